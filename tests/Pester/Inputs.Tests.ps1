#Requires -Version 7.4
# Cmdlets without a running node: configuration, secrets, views, paths, change capture, -WhatIf, timeouts, error records.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

AfterAll {
    Remove-TestWork
}

Describe 'Get-HarmonyConfiguration' {
    BeforeAll {
        $script:Secret = Join-Path $script:Work 'secret.toml'
        @"
db_path = '/tmp/secret.db'
node_id = 5
[nats]
urls = ['nats://app:urlpw42@127.0.0.1:4222']
user_name = 'app'
user_password = 'hunter2'
[snapshot]
enabled = false
[snapshot.s3]
secret = 's3-secret-9'
session_token = 'token-7'
"@ | Set-Content $script:Secret
    }

    It 'reads a configuration file, warning about unknown keys' {
        $path = Join-Path $script:Work 'typo.toml'
        "db_path = '/tmp/typo.db'`nnode_id = 7`nscan_max_chnages = 10" | Set-Content $path
        $config = Get-HarmonyConfiguration -Path $path -WarningVariable warnings -WarningAction SilentlyContinue
        $config.NodeId | Should -Be 7
        $config.DbPath | Should -Be '/tmp/typo.db'
        $warnings | Should -Match 'scan_max_chnages'
    }

    It 'never shows a secret: not in its view, Format-List *, JSON, or ToString' {
        $config = Get-HarmonyConfiguration $script:Secret
        $texts = @(
            ($config | Out-String), ($config | Format-List * | Out-String), ($config.Nats | Format-List * | Out-String),
            ($config | ConvertTo-Json -Depth 6), "$config", $config.ToJson(), ($config.Snapshot.S3 | Format-List * | Out-String)
        )
        foreach ($text in $texts) { $text | Should -Not -Match 'hunter2|s3-secret-9|token-7|urlpw42' }
        $config.Nats.UserPassword | Should -Be '<redacted>'
        $config.Snapshot.S3.Secret | Should -Be '<redacted>'
    }

    It 'shows a configuration as a list that sums up each part' {
        $text = Get-HarmonyConfiguration $script:Secret | Out-String
        $text | Should -Match 'NodeId\s+: 5'
        $text | Should -Match 'Nats\s+: nats://app:<redacted>@127.0.0.1:4222'
        $text | Should -Match 'Snapshot\s+: disabled'
        $text | Should -Not -Match 'System.Collections.Generic'
    }

    It 'takes files from Get-ChildItem (by property name), strings (by value) and wildcards' {
        $dir = Join-Path $script:Work 'configs'
        New-Item -ItemType Directory $dir | Out-Null
        1..2 | ForEach-Object { "db_path = '/tmp/n$_.db'`nnode_id = $_" | Set-Content (Join-Path $dir "n$_.toml") }
        (Get-ChildItem $dir -Filter *.toml | Get-HarmonyConfiguration).NodeId | Sort-Object | Should -Be 1, 2
        ((Join-Path $dir 'n1.toml'), (Join-Path $dir 'n2.toml') | Get-HarmonyConfiguration).NodeId | Should -Be 1, 2
        (Get-HarmonyConfiguration (Join-Path $dir 'n*.toml')).NodeId | Sort-Object | Should -Be 1, 2
    }

    It 'reads a name with wildcard characters through -LiteralPath, and says so when -Path matches nothing' {
        $odd = Join-Path $script:Work 'node[1].toml'
        "db_path = '/tmp/odd.db'`nnode_id = 9" | Set-Content -LiteralPath $odd
        (Get-HarmonyConfiguration -LiteralPath $odd).NodeId | Should -Be 9
        $err = { Get-HarmonyConfiguration -Path (Join-Path $script:Work 'nothing-*.toml') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match '-LiteralPath'
    }
}

Describe 'Change capture' {
    It 'Install-HarmonyTriggers installs capture and reports each table, with a table view' {
        $db = New-TestDatabase 'capture/install.db'
        $report = Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -WarningAction SilentlyContinue
        $report.Table | Should -Be 'Books'
        "$($report.Outcome)" | Should -Be 'Installed'
        $report.DatabasePath | Should -Be $db
        Get-Schema $db | Should -Match 'trigger __harmonylite__'
        $text = $report | Out-String
        $text | Should -Match "Database: $([regex]::Escape($db))"
        $text | Should -Match 'Books\s+Installed'
    }

    It '-WhatIf names the tables that would be refused and changes no byte' {
        $db = New-TestDatabase 'capture/whatif.db' 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); CREATE TABLE Logs (line TEXT);'
        $before = Get-FileBytes $db
        # "What if" lines go to the host, so a pwsh of its own prints them.
        $run = Invoke-Pwsh "Import-Module '$script:ModuleManifest'; `$out = Install-HarmonyTriggers -DatabasePath '$db' -NodeId 1 -WhatIf; ""objects: `$(@(`$out).Count)"""
        $run.Output | Should -Match 'What if: .*would replicate Books; would refuse Logs \(no primary key\)'
        $run.Output | Should -Match 'objects: 0'
        Get-FileBytes $db | Should -Be $before
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $installed = Get-FileBytes $db
        Uninstall-HarmonyTriggers -DatabasePath $db -WhatIf | Should -BeNullOrEmpty
        Get-FileBytes $db | Should -Be $installed
    }

    It 'reports a table without a primary key as a non-terminating InvalidData error about the table' {
        $db = New-TestDatabase 'capture/refused.db' 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); CREATE TABLE Logs (line TEXT);'
        $report = Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        ($report | Where-Object Table -eq 'Books').Outcome | Should -Be 'Installed'
        ($report | Where-Object Table -eq 'Logs').Outcome | Should -Be 'Refused'
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TableRefused,*'
        $errors[0].TargetObject | Should -Be 'Logs'
    }

    It 'Uninstall-HarmonyTriggers removes every HarmonyLite object and keeps the rows' {
        $db = New-TestDatabase 'capture/uninstall.db'
        $plain = Get-Schema $db
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -WarningAction SilentlyContinue | Out-Null
        Invoke-Sqlite $db "INSERT INTO Books VALUES (1, 'Dune');"
        $removal = Uninstall-HarmonyTriggers -DatabasePath $db -Confirm:$false
        $removal.RemovedObjects | Should -BeGreaterThan 0
        ($removal | Out-String) | Should -Match "\d+\s+$([regex]::Escape($db))"
        Get-Schema $db | Should -Be $plain
        Invoke-Sqlite $db 'SELECT title FROM Books;' | Should -Be 'Dune'
    }

    It 'takes databases by wildcard, by -LiteralDatabasePath and from a DbPath property' {
        $a = New-TestDatabase 'wild/a.db'
        $b = New-TestDatabase 'wild/b.db'
        $odd = New-TestDatabase 'wild/c[1].db'
        (Install-HarmonyTriggers -DatabasePath (Join-Path $script:Work 'wild/?.db') -NodeId 1 -WarningAction SilentlyContinue).DatabasePath | Sort-Object | Should -Be $a, $b
        (Install-HarmonyTriggers -LiteralDatabasePath $odd -NodeId 1 -WarningAction SilentlyContinue).DatabasePath | Should -Be $odd
        ([pscustomobject]@{ DbPath = $a } | Get-HarmonyQuarantine) | Should -BeNullOrEmpty
    }

    It 'lists no quarantined messages on a fresh database' {
        $db = New-TestDatabase 'capture/quarantine.db'
        Install-HarmonyTriggers -DatabasePath $db -NodeId 1 -WarningAction SilentlyContinue | Out-Null
        Get-HarmonyQuarantine -DatabasePath $db | Should -BeNullOrEmpty
    }
}

Describe 'Wait-HarmonyConvergence' {
    BeforeAll {
        $script:A = New-TestDatabase 'converge/a.db' "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO Books VALUES (1, 'Dune');"
        $script:B = New-TestDatabase 'converge/b.db' 'CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT);'
    }

    It 'fails with the row counts of replicas that differ, as a terminating OperationTimeout about the databases' {
        $err = { Wait-HarmonyConvergence -DatabasePath $script:A, $script:B -Timeout 1 } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.FullyQualifiedErrorId | Should -BeLike 'ConvergenceTimeout,*'
        $err.TargetObject | Should -Be $script:A, $script:B
        $err.Exception.Message | Should -Match 'Books=1'
        $err.Exception.Message | Should -Match 'Books=0'
    }

    It 'reads -Timeout <Timeout> as <Seconds> s' -ForEach @(
        @{ Timeout = '2s (a short integer)'; Value = [int16]2; Seconds = 2 }
        @{ Timeout = 'the string "3" (an environment variable)'; Value = '3'; Seconds = 3 }
        @{ Timeout = '1.5'; Value = 1.5; Seconds = 1.5 }
        @{ Timeout = "'00:00:02'"; Value = '00:00:02'; Seconds = 2 }
    ) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Wait-HarmonyConvergence -DatabasePath $script:A, $script:B -Timeout $Value } | Should -Throw -ErrorId 'ConvergenceTimeout*'
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual ($Seconds - 0.05)
        $clock.Elapsed.TotalSeconds | Should -BeLessThan ($Seconds + 20)
    }

    It 'binds -Timeout 2s written in a script as it is typed' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Invoke-Expression "Wait-HarmonyConvergence -DatabasePath '$script:A', '$script:B' -Timeout 2s" } | Should -Throw -ErrorId 'ConvergenceTimeout*'
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.95
    }

    It 'shows the rows per table as progress, and is quiet with -ProgressAction SilentlyContinue' {
        $run = Invoke-InRunspace "try { Wait-HarmonyConvergence -DatabasePath '$script:A', '$script:B' -Timeout 1 } catch { }"
        (($run.Progress | Where-Object ActivityId -eq 3).StatusDescription -join "`n") | Should -Match 'rows per table: Books 1/0'
        $quiet = Invoke-InRunspace "try { Wait-HarmonyConvergence -DatabasePath '$script:A', '$script:B' -Timeout 1 -ProgressAction SilentlyContinue } catch { }"
        $quiet.Progress | Should -BeNullOrEmpty
    }

    It 'agrees at once on equal databases, from a pipeline of files, with a table view' {
        $c = New-TestDatabase 'converge/c.db' "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO Books VALUES (1, 'Dune');"
        $result = Get-ChildItem $script:A, $c | Wait-HarmonyConvergence -Timeout 10
        $result.RowCounts['Books'] | Should -Be 1
        $result.DatabasePaths.Count | Should -Be 2
        ($result | Out-String) | Should -Match '2\s+\d+(\.\d+)? s\s+[0-9a-f]{12}\s+Books=1'
    }
}

Describe 'Error records' {
    # Every category of docs/cmdlets.md that needs no running node: its error id and its target.
    It '<Case> is <Category> <ErrorId> about its target' -ForEach @(
        @{ Case = 'a configuration with a bad value'; Category = 'InvalidArgument'; ErrorId = 'InvalidConfiguration'
            Run = '$p = Join-Path $script:Work ''bad.toml''; "node_id = 1`n[replication_log]`nshards = ''two''" | Set-Content $p; Get-HarmonyConfiguration $p'
            Target = 'Join-Path $script:Work ''bad.toml'''; Message = 'replication_log.shards' }
        @{ Case = 'a missing configuration file'; Category = 'ObjectNotFound'; ErrorId = 'ConfigurationFileNotFound'
            Run = 'Install-HarmonyTriggers -ConfigPath (Join-Path $script:Work ''missing.toml'')'
            Target = 'Join-Path $script:Work ''missing.toml'''; Message = 'Check the path given to -ConfigPath' }
        @{ Case = 'a missing database given directly'; Category = 'ObjectNotFound'; ErrorId = 'DatabaseNotFound'
            Run = 'Install-HarmonyTriggers -DatabasePath (Join-Path $script:Work ''missing.db'') -NodeId 1'
            Target = 'Join-Path $script:Work ''missing.db'''; Message = '-DatabasePath' }
        @{ Case = 'a missing database named by a configuration'; Category = 'ObjectNotFound'; ErrorId = 'DatabaseNotFound'
            Run = 'Get-HarmonyQuarantine -ConfigPath (New-TestConfig ''nodb'' (Join-Path $script:Work ''nodb.db'') 1)'
            Target = 'Join-Path $script:Work ''nodb.db'''; Message = 'db_path of .*nodb.toml' }
        @{ Case = 'a wildcard that matches nothing'; Category = 'ObjectNotFound'; ErrorId = 'PathNotFound'
            Run = 'Start-HarmonyNode -ConfigPath (Join-Path $script:Work ''none-*.toml'')'
            Target = 'Join-Path $script:Work ''none-*.toml'''; Message = '-LiteralPath' }
        @{ Case = 'a node id not in the session'; Category = 'ObjectNotFound'; ErrorId = 'NodeNotFound'
            Run = 'Get-HarmonyNode -NodeId 404'; Target = '404'; Message = 'Get-HarmonyNode lists' }
        @{ Case = 'a database without capture'; Category = 'NotInstalled'; ErrorId = 'CaptureNotInstalled'
            Run = 'Get-HarmonyQuarantine -DatabasePath (New-TestDatabase ''errors/plain.db'')'
            Target = 'Join-Path $script:Work ''errors/plain.db'''; Message = 'Install it with Install-HarmonyTriggers' }
        @{ Case = 'a file that is not a database'; Category = 'InvalidData'; ErrorId = 'SqliteNotADatabase'
            Run = '$p = Join-Path $script:Work ''errors/notes.db''; New-Item -ItemType Directory (Split-Path $p) -Force | Out-Null; ''x'' * 4096 | Set-Content $p; Install-HarmonyTriggers -DatabasePath $p -NodeId 1'
            Target = 'Join-Path $script:Work ''errors/notes.db'''; Message = '' }
        @{ Case = 'a snapshot id the store lacks'; Category = 'ObjectNotFound'; ErrorId = 'SnapshotNotFound'
            Run = '$db = New-TestDatabase ''errors/snap.db''; $c = New-TestConfig ''errors-snap'' $db 1 "[snapshot]`nenabled = true`nstore = ''file''`n[snapshot.file]`npath = ''$(Join-Path $script:Work ''errors/store'')''"; Restore-HarmonySnapshot -ConfigPath $c -Id ''no-such-snapshot'' -Confirm:$false'
            Target = '''no-such-snapshot'''; Message = 'no-such-snapshot' }
        @{ Case = 'NATS that cannot be reached'; Category = 'ConnectionError'; ErrorId = 'SnapshotStoreUnavailable'
            Run = '$db = New-TestDatabase ''errors/nonats.db''; $c = New-TestConfig ''errors-nonats'' $db 1 "[snapshot]`nenabled = true" -Nats "nats://127.0.0.1:$(Get-FreePort)"; Get-HarmonySnapshot -ConfigPath $c'
            Target = 'Join-Path $script:Work ''errors-nonats.toml'''; Message = '' }
        @{ Case = 'nats-server missing'; Category = 'NotInstalled'; ErrorId = 'NatsServerNotFound'
            Run = '$env:HARMONYLITE_NATS_SERVER = Join-Path $script:Work ''no-nats-server''; try { Start-HarmonyNode -ConfigPath (New-TestConfig ''errors-nonatsserver'' (New-TestDatabase ''errors/n/node.db'') 1) } finally { Remove-Item Env:HARMONYLITE_NATS_SERVER }'
            Target = 'Join-Path $script:Work ''errors-nonatsserver.toml'''; Message = 'install' }
    ) {
        $run = [scriptblock]::Create($Run)
        $err = { $ErrorActionPreference = 'Stop'; $WarningPreference = 'SilentlyContinue'; & $run } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be $Category
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.TargetObject | Should -Be (& ([scriptblock]::Create($Target)))
        if ($Message) { "$err" | Should -Match $Message }
        "$err" | Should -Not -Match 'CaptureInstaller|raise StartTimeout|check the -config path|Check the db_path setting'
    }

    It 'a failure for one input is non-terminating: the pipeline goes on' {
        $good = New-TestDatabase 'errors/good.db'
        $report = (Join-Path $script:Work 'errors/absent.db'), $good | ForEach-Object { [pscustomobject]@{ DbPath = $_; NodeId = 1 } } |
            Install-HarmonyTriggers -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $errors.Count | Should -Be 1
        $report.DatabasePath | Should -Be $good
    }
}
