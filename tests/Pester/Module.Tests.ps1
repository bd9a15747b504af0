#Requires -Version 7.4
# The module as pwsh loads it: exports, isolation, help, the package layout, and Remove-Module with nodes running.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

AfterAll {
    Remove-TestWork
}

Describe 'The module' {
    It 'exports exactly the cmdlets its manifest lists' {
        $manifest = Import-PowerShellDataFile $script:ModuleManifest
        $commands = Get-Command -Module HarmonyLite
        $commands.CommandType | Sort-Object -Unique | Should -Be 'Cmdlet'
        ($commands.Name | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'loads its dependencies in its own load context' {
        Get-HarmonyNode | Out-Null
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HarmonyLite.Engine' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'HarmonyLite'
    }
}

Describe 'Help' {
    BeforeDiscovery {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../HarmonyLite.psd1')   # the staged one is this one
        $script:Cmdlets = $manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    }

    It '<Name> has a synopsis, a description, every parameter described and at least two examples' -ForEach $script:Cmdlets {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *"      # not the syntax pwsh shows when there is no help
        ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($parameter in $parameters) {
            $described = $help.Parameters.Parameter | Where-Object Name -eq $parameter
            ($described.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Examples.Example | ForEach-Object { $_.Code | Should -Match $Name }
    }

    It '<Name> links to its section of docs/cmdlets.md' -ForEach $script:Cmdlets {
        (Get-Command $Name).HelpUri | Should -Be "https://github.com/harmonylite/harmonylite-powershell/blob/main/docs/cmdlets.md#$($Name.ToLowerInvariant())"
        (Get-Help $Name).relatedLinks.navigationLink.uri | Should -Contain (Get-Command $Name).HelpUri
    }

    It 'is the text of docs/cmdlets.md' {
        $docs = Get-Content (Join-Path $script:Root 'docs/cmdlets.md') -Raw
        foreach ($name in (Get-Command -Module HarmonyLite).Name) {
            $synopsis = (Get-Help $name).Synopsis
            $docs | Should -Match ([regex]::Escape("## $name`n`n$synopsis"))
        }
    }

    It 'has an about_HarmonyLite topic on the concepts' {
        $about = Get-Help about_HarmonyLite | Out-String
        foreach ($concept in 'NODES IN THE SESSION', 'NODES AS JOBS', 'CONFIGURATION FILES AND PATHS', 'SNAPSHOTS AND SCHEDULED TASKS', 'A CI PIPELINE WITH THREE REPLICAS', 'ERRORS') {
            $about | Should -Match $concept
        }
        $about | Should -Match 'Save-HarmonySnapshot'
    }
}

Describe 'The package' {
    It 'puts the module and the sidecar in folders whose names differ by more than case, and lists one module' {
        $package = Join-Path $script:Work 'package'
        $run = Invoke-Pwsh "& '$script:Root/build.ps1' -Task Package -NoClean -OutputDirectory '$package'" -TimeoutSeconds 900
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)$($run.Error)"
        $names = (Get-ChildItem $package).Name
        $names | Should -Contain 'HarmonyLite'
        @($names | Group-Object { $_.ToLowerInvariant() } | Where-Object Count -gt 1) | Should -BeNullOrEmpty
        Test-Path (Join-Path $package 'sidecar/harmonylite*') | Should -BeTrue
        $listed = Invoke-Pwsh "`$env:PSModulePath = '$package'; Get-Module -ListAvailable | ForEach-Object { ""`$(`$_.Name) `$(`$_.Version)"" }"
        $listed.Output.Trim() -split "`r?`n" | Should -Be 'HarmonyLite 0.1.0'
    }
}

Describe 'Remove-Module' {
    It 'stops the nodes of the session, in the foreground and as jobs, before the module goes' {
        $db1 = New-TestDatabase 'remove/one/node.db'
        $db2 = New-TestDatabase 'remove/two/node.db'
        $c1 = New-TestConfig 'remove-1' $db1 31 -Prefix remove1
        $c2 = New-TestConfig 'remove-2' $db2 32 -Prefix remove2
        $run = Invoke-Pwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModuleManifest'
`$node = Start-HarmonyNode -ConfigPath '$c1' -WarningAction SilentlyContinue
`$job = Start-HarmonyNode -ConfigPath '$c2' -AsJob
while ("`$(`$job.State)" -ne 'Running') { if ("`$(`$job.State)" -eq 'Failed') { throw 'job failed' }; Start-Sleep -Milliseconds 100 }
`$pids = Get-ChildItem '$script:Work/remove' -Recurse -Filter nats-server.pid | ForEach-Object { [int](Get-Content `$_.FullName) }
Remove-Module HarmonyLite
"node=`$(`$node.State) job=`$(`$job.State) registry=`$([bool](Get-Variable HarmonyLiteSessionNodes -Scope Global -ErrorAction Ignore))"
"servers=`$(@(`$pids | Where-Object { Get-Process -Id `$_ -ErrorAction Ignore }).Count) of `$(@(`$pids).Count)"
"@
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Output | Should -Match 'node=Stopped job=Stopped registry=False'
        $run.Output | Should -Match 'servers=0 of 2'
    }
}
