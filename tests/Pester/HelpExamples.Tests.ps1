#Requires -Version 7.4
# Every example of every cmdlet's help (as Get-Help shows it) runs, in a folder with what the examples name:
# ./node-1.toml and ./node-2.toml (embedded nats-servers, a snapshot directory), their databases, ./app.db, ./schema.sql.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Examples = foreach ($name in (Get-Command -Module HarmonyLite).Name) {
        $number = 0
        foreach ($example in (Get-Help $name).Examples.Example) {
            $number++
            @{ Cmdlet = $name; Number = $number; Title = ($example.Title -replace '^-+\s*Example \d+: |\s*-+$', ''); Code = $example.Code }
        }
    }
    Remove-TestWork
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Schema = Join-Path $script:Root 'examples/schema.sql'
    # What each cmdlet's examples expect to find running or saved.
    $script:Setup = @{
        'Stop-HarmonyNode'        = { Start-HarmonyNode ./node-1.toml; Start-HarmonyNode ./node-2.toml }
        'Get-HarmonyNode'         = { Start-HarmonyNode ./node-1.toml }
        'Get-HarmonyShardStatus'  = { Start-HarmonyNode ./node-1.toml }
        'Get-HarmonyCluster'      = { Start-HarmonyNode ./node-1.toml }
        'Get-HarmonyQuarantine'   = { Install-HarmonyTriggers -ConfigPath ./node-*.toml }
        'Save-HarmonySnapshot'    = { Start-HarmonyNode ./node-1.toml }
        'Get-HarmonySnapshot'     = { Start-HarmonyNode ./node-1.toml; Save-HarmonySnapshot ./node-1.toml }
        'Restore-HarmonySnapshot' = { Save-HarmonySnapshot ./node-1.toml; Save-HarmonySnapshot ./node-1.toml }
    }
    function New-ExampleFolder([string] $Name) {
        $folder = Join-Path $script:Work $Name
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item $script:Schema (Join-Path $folder 'schema.sql')
        foreach ($n in 1, 2) {
            $db = Join-Path $folder "node-$n.db"
            Invoke-Sqlite $db (Get-Content $script:Schema -Raw) | Out-Null
            @"
db_path = '$db'
node_id = $n
[nats]
bind_address = '127.0.0.1:-1'
stream_prefix = '$Name'
subject_prefix = '$Name-changes'
[snapshot]
enabled = true
store = 'file'
[snapshot.file]
path = '$(Join-Path $folder 'snapshots')'
"@ | Set-Content (Join-Path $folder "node-$n.toml")
        }
        Invoke-Sqlite (Join-Path $folder 'app.db') (Get-Content $script:Schema -Raw) | Out-Null
        $folder
    }
}

AfterAll {
    Remove-TestWork
}

Describe 'The help examples' {
    It '<Cmdlet> example <Number> runs: <Title>' -ForEach $script:Examples {
        $folder = New-ExampleFolder "$Cmdlet-$Number"
        Push-Location $folder
        try {
            $ErrorActionPreference = 'Stop'
            $WarningPreference = 'SilentlyContinue'
            if ($script:Setup[$Cmdlet]) { & $script:Setup[$Cmdlet] | Out-Null }
            # Working means: no error, terminating or not (the preference above makes every error stop the example).
            & ([scriptblock]::Create($Code)) | Out-String | Write-Verbose
        }
        finally {
            Get-HarmonyNode | Stop-HarmonyNode -Confirm:$false
            Get-Job | Where-Object PSJobTypeName -eq 'HarmonyNodeJob' | Remove-Job -Force
            Pop-Location
        }
    }
}
