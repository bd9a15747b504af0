#Requires -Version 7.4
<#
.SYNOPSIS
    Pester 5 tests of the HarmonyLite module as pwsh imports it: the staged module under
    src/Module/bin/<Configuration>/net8.0/HarmonyLite (build it first: ./build.ps1 -Task Build).
    Tests that need nats-server or the sqlite3 shell are skipped, saying so, when those are missing.
.EXAMPLE
    Invoke-Pester ./tests/Pester -Output Detailed
#>

BeforeDiscovery {
    $script:HaveSqlite = [bool](Get-Command sqlite3 -ErrorAction SilentlyContinue)
    $script:HaveNats = [bool](Get-Command nats-server -ErrorAction SilentlyContinue) -or [bool]$env:HARMONYLITE_NATS_SERVER
}

BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $staged = 'Release', 'Debug' |
        ForEach-Object { Join-Path $root "src/Module/bin/$_/net8.0/HarmonyLite" } |
        Where-Object { Test-Path (Join-Path $_ 'HarmonyLite.psd1') } |
        Select-Object -First 1
    if (-not $staged) { throw "The module is not built; run ./build.ps1 -Task Build first (looked under $root/src/Module/bin)." }
    $script:ModuleDirectory = $staged
    Import-Module (Join-Path $staged 'HarmonyLite.psd1') -Force -ErrorAction Stop

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "harmonylite-pester-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $script:Work | Out-Null

    function Invoke-Sqlite([string] $Database, [string] $Sql) {
        $output = $Sql | & sqlite3 $Database
        if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on $Database with: $Sql" }
        $output
    }

    function New-TestDatabase([string] $Name, [string] $Sql = 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT NOT NULL);') {
        $path = Join-Path $script:Work $Name
        New-Item -ItemType Directory (Split-Path $path) -Force | Out-Null
        Invoke-Sqlite $path $Sql | Out-Null
        $path
    }

    function Get-Schema([string] $Database) {
        (Invoke-Sqlite $Database "SELECT type || ' ' || name FROM sqlite_schema ORDER BY name;") -join "`n"
    }

    # A node configuration; TOML literal strings ('...') keep Windows paths as they are.
    function New-TestConfig([string] $Name, [string] $Database, [long] $NodeId, [string] $Snapshot = "[snapshot]`nenabled = false") {
        $path = Join-Path $script:Work "$Name.toml"
        @"
db_path = '$Database'
node_id = $NodeId

[nats]
bind_address = '127.0.0.1:-1'

$Snapshot
"@ | Set-Content -Path $path
        $path
    }

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    function Wait-Condition([string] $What, [int] $Seconds, [scriptblock] $Condition) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $Seconds s waiting for $What." }
            Start-Sleep -Milliseconds 100
        }
    }
}

AfterAll {
    Get-HarmonyNode | Stop-HarmonyNode -Confirm:$false -ErrorAction Continue
    Get-Job | Where-Object PSJobTypeName -eq 'HarmonyNodeJob' | Remove-Job -Force
    Remove-Module HarmonyLite -ErrorAction SilentlyContinue
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports exactly the cmdlets its manifest lists' {
        $manifest = Import-PowerShellDataFile (Join-Path $script:ModuleDirectory 'HarmonyLite.psd1')
        $commands = Get-Command -Module HarmonyLite
        $commands.CommandType | Sort-Object -Unique | Should -Be 'Cmdlet'
        ($commands.Name | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'loads its dependencies in its own load context' {
        # Any cmdlet call loads the engine; Get-HarmonyNode is the cheapest.
        Get-HarmonyNode | Out-Null
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HarmonyLite.Engine' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'HarmonyLite'
    }

    It 'reads a configuration file, warning about unknown keys' {
        $path = Join-Path $script:Work 'typo.toml'
        "db_path = '/tmp/typo.db'`nnode_id = 7`nscan_max_chnages = 10" | Set-Content $path
        $config = Get-HarmonyConfiguration -Path $path -WarningVariable warnings -WarningAction SilentlyContinue
        $config.NodeId | Should -Be 7
        $config.DbPath | Should -Be '/tmp/typo.db'
        $warnings | Should -Match 'scan_max_chnages'
    }

    It 'takes configuration files from Get-ChildItem' {
        $dir = Join-Path $script:Work 'configs'
        New-Item -ItemType Directory $dir | Out-Null
        1..2 | ForEach-Object { "db_path = '/tmp/n$_.db'`nnode_id = $_" | Set-Content (Join-Path $dir "n$_.toml") }
        (Get-ChildItem $dir -Filter *.toml | Get-HarmonyConfiguration).NodeId | Sort-Object | Should -Be 1, 2
    }

    It 'reports a bad configuration as an invalid argument naming the file and key' {
        $path = Join-Path $script:Work 'bad.toml'
        "node_id = 1`n[replication_log]`nshards = 'two'" | Set-Content $path
        $err = { Get-HarmonyConfiguration -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidConfiguration,*'
        $err.Exception.Message | Should -Match 'replication_log.shards'
    }
}

Describe 'Change capture' -Skip:(-not $HaveSqlite) {
    It 'Install-HarmonyTriggers installs capture and reports each table' {
        $db = New-TestDatabase 'capture/install.db'
        $report = Install-HarmonyTriggers -DatabasePath $db -NodeId 1
        $report.Table | Should -Be 'Books'
        "$($report.Outcome)" | Should -Be 'Installed'
        $report.DatabasePath | Should -Be $db
        Get-Schema $db | Should -Match 'trigger __harmonylite__'
    }

    It 'changes nothing with -WhatIf' {
        $db = New-TestDatabase 'capture/whatif.db'
        $before = Get-Schema $db
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -WhatIf | Should -BeNullOrEmpty
        Get-Schema $db | Should -Be $before
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 | Out-Null
        $installed = Get-Schema $db
        Uninstall-HarmonyTriggers -DatabasePath $db -WhatIf | Should -BeNullOrEmpty
        Get-Schema $db | Should -Be $installed
    }

    It 'reports a table without a primary key as a non-terminating InvalidData error' {
        $db = New-TestDatabase 'capture/refused.db' 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); CREATE TABLE Logs (line TEXT);'
        $report = Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -ErrorVariable errors -ErrorAction SilentlyContinue
        ($report | Where-Object Table -eq 'Books').Outcome | Should -Be 'Installed'
        ($report | Where-Object Table -eq 'Logs').Outcome | Should -Be 'Refused'
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].TargetObject | Should -Be 'Logs'
    }

    It 'Uninstall-HarmonyTriggers removes every HarmonyLite object and keeps the rows' {
        $db = New-TestDatabase 'capture/uninstall.db'
        $plain = Get-Schema $db
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 | Out-Null
        Invoke-Sqlite $db "INSERT INTO Books VALUES (1, 'Dune');"
        $removal = Uninstall-HarmonyTriggers -DatabasePath $db -Confirm:$false
        $removal.RemovedObjects | Should -BeGreaterThan 0
        Get-Schema $db | Should -Be $plain
        Invoke-Sqlite $db 'SELECT title FROM Books;' | Should -Be 'Dune'
    }

    It 'lists no quarantined messages on a fresh database' {
        $db = New-TestDatabase 'capture/quarantine.db'
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 | Out-Null
        Get-HarmonyQuarantine -DatabasePath $db | Should -BeNullOrEmpty
    }

    It 'Wait-HarmonyConvergence fails with the row counts of replicas that differ' {
        $a = New-TestDatabase 'converge/a.db' "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO Books VALUES (1, 'Dune');"
        $b = New-TestDatabase 'converge/b.db' 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT);'
        $err = { Wait-HarmonyConvergence -DatabasePath $a, $b -Timeout 1 } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.Exception.Message | Should -Match 'Books=1'
        $err.Exception.Message | Should -Match 'Books=0'
    }
}

Describe 'Three nodes' -Skip:(-not ($HaveSqlite -and $HaveNats)) {
    BeforeAll {
        $script:Databases = 1..3 | ForEach-Object { New-TestDatabase "cluster/node-$_/node.db" }
        $routes = 1..3 | ForEach-Object { Get-FreePort }
        # The embedded servers form one cluster, so the nodes start together (-AsJob): JetStream answers once a majority is up.
        $script:Jobs = foreach ($n in 1..3) {
            $config = New-TestConfig "cluster-node-$n" $script:Databases[$n - 1] $n
            $peers = 1..3 | Where-Object { $_ -ne $n } | ForEach-Object { "nats://127.0.0.1:$($routes[$_ - 1])" }
            Start-HarmonyNode -ConfigPath $config -ClusterAddress "127.0.0.1:$($routes[$n - 1])" -ClusterPeers $peers -AsJob
        }
        Wait-Condition 'three nodes replicating' 120 {
            $states = Get-HarmonyNode | ForEach-Object State
            if ($states -contains 'Faulted') { throw "A node failed: $((Get-HarmonyNode | Where-Object State -eq 'Faulted').LastError)" }
            @($states | Where-Object { "$_" -eq 'Running' }).Count -eq 3
        }
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode -Confirm:$false
    }

    It 'runs each node as a job that follows it' {
        $script:Jobs | ForEach-Object { "$($_.State)" } | Should -Be 'Running', 'Running', 'Running'
        $script:Jobs.PSJobTypeName | Sort-Object -Unique | Should -Be 'HarmonyNodeJob'
        (Get-HarmonyNode).JobId | Should -Be $script:Jobs.Id
    }

    It 'replicates an insert on one node to every node' {
        Invoke-Sqlite $script:Databases[0] "INSERT INTO Books VALUES (8, 'Dune');"
        $converged = Wait-HarmonyConvergence -DatabasePath $script:Databases -Timeout 60
        $converged.RowCounts['Books'] | Should -Be 1
        Invoke-Sqlite $script:Databases[2] 'SELECT title FROM Books WHERE id = 8;' | Should -Be 'Dune'
    }

    It 'reports shard status for every node from the pipeline' {
        $status = Get-HarmonyNode | Get-HarmonyShardStatus
        $status.Count | Should -Be 3
        $status.NodeId | Sort-Object | Should -Be 1, 2, 3
        $status | ForEach-Object { $_.LastSequence | Should -BeGreaterOrEqual 1 }
    }

    It 'stops a node with Stop-Job and the job says so' {
        $job = $script:Jobs[2]
        Stop-Job -Job $job
        "$($job.State)" | Should -Be 'Stopped'
        "$((Get-HarmonyNode -NodeId 3).State)" | Should -Be 'Stopped'
        $received = Receive-Job -Job $job
        ($received | Where-Object { $_.pstypenames -contains 'HarmonyLite.Engine.Node.NodeStatus' }).State | ForEach-Object { "$_" } | Should -Be 'Running', 'Stopped'
    }

    It 'refuses to start a node id that is already running' {
        $config = New-TestConfig 'duplicate' (New-TestDatabase 'cluster/duplicate.db') 1
        $err = { Start-HarmonyNode -ConfigPath $config -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
    }
}

Describe 'Snapshots in a directory' -Skip:(-not ($HaveSqlite -and $HaveNats)) {
    BeforeAll {
        $script:SnapshotDb = New-TestDatabase 'snapshots/node.db'
        $store = Join-Path $script:Work 'snapshots/store'
        $script:SnapshotConfig = New-TestConfig 'snapshots' $script:SnapshotDb 11 "[snapshot]`nenabled = true`nstore = 'file'`n`n[snapshot.file]`npath = '$store'"
        $script:SnapshotNode = Start-HarmonyNode -ConfigPath $script:SnapshotConfig
        Invoke-Sqlite $script:SnapshotDb "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');"
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode -Confirm:$false
    }

    It 'saves a verified snapshot and lists it newest first' {
        $first = Save-HarmonySnapshot -ConfigPath $script:SnapshotConfig
        $first.NodeId | Should -Be 11
        $first.Sha256 | Should -Match '^[0-9a-f]{64}$'
        $second = Save-HarmonySnapshot -ConfigPath $script:SnapshotConfig
        (Get-HarmonySnapshot -ConfigPath $script:SnapshotConfig).Id | Should -Be $second.Id, $first.Id
    }

    It 'refuses to restore while a node of the session replicates the database' {
        { Restore-HarmonySnapshot -ConfigPath $script:SnapshotConfig -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseInUseByNode*'
    }

    It 'restores the newest snapshot once the node is stopped, and -WhatIf leaves the database alone' {
        $script:SnapshotNode | Stop-HarmonyNode
        Invoke-Sqlite $script:SnapshotDb 'DELETE FROM Books;'
        Restore-HarmonySnapshot -ConfigPath $script:SnapshotConfig -WhatIf | Should -BeNullOrEmpty
        Invoke-Sqlite $script:SnapshotDb 'SELECT count(*) FROM Books;' | Should -Be 0
        $restored = Restore-HarmonySnapshot -ConfigPath $script:SnapshotConfig -Confirm:$false
        $restored.Id | Should -Be (Get-HarmonySnapshot -ConfigPath $script:SnapshotConfig | Select-Object -First 1).Id
        Invoke-Sqlite $script:SnapshotDb 'SELECT title FROM Books ORDER BY id;' | Should -Be 'Dune', 'Emma'
    }
}
