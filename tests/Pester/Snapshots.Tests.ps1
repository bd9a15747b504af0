#Requires -Version 7.4
# Snapshots: saved from a running node (-Node, -ConfigPath) and as a scheduled task runs it, listed, restored onto a
# fresh node, with progress and completion of snapshot ids.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:Store = Join-Path $script:Work 'store'
    $script:FileStore = "[snapshot]`nenabled = true`nstore = 'file'`n[snapshot.file]`npath = '$script:Store'"
}

AfterAll {
    Remove-TestWork
}

Describe 'Snapshots of a node of the session' {
    BeforeAll {
        $script:Db = New-TestDatabase 'snap/node.db'
        $script:Config = New-TestConfig 'snap' $script:Db 51 $script:FileStore -Prefix snap
        $script:Node = Start-HarmonyNode -ConfigPath $script:Config -WarningAction SilentlyContinue
        Invoke-Sqlite $script:Db "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');"
        # A snapshot records the positions the node has applied (written at most a second after it applies them).
        Wait-Condition 'the inserts published and applied' 60 {
            (Get-HarmonyShardStatus -Node $script:Node).AppliedSequence -ge 1
        }
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode
    }

    It 'saves with -Node, from the pipeline and with -ConfigPath, and lists them newest first as a table' {
        $first = Save-HarmonySnapshot -Node $script:Node
        $first.NodeId | Should -Be 51
        $first.Sha256 | Should -Match '^[0-9a-f]{64}$'
        $first.Positions['snap-1'] | Should -BeGreaterOrEqual 1
        $second = $script:Node | Save-HarmonySnapshot
        $third = Save-HarmonySnapshot -ConfigPath $script:Config
        (Get-HarmonySnapshot -Node $script:Node).Id | Should -Be $third.Id, $second.Id, $first.Id
        $text = Get-HarmonySnapshot -ConfigPath $script:Config | Out-String
        $text | Should -Match 'Id\s+NodeId\s+CreatedAt\s+Size\s+Sha256\s+Positions'
        $text | Should -Match "$([regex]::Escape($third.Id))\s+51\s+.*snap-1="
    }

    It 'shows the bytes of a save as progress, quiet with -ProgressAction SilentlyContinue' {
        $run = Invoke-InRunspace "Save-HarmonySnapshot -ConfigPath '$script:Config'"
        $run.Errors | Should -BeNullOrEmpty
        (($run.Progress | Where-Object ActivityId -eq 1).StatusDescription -join "`n") | Should -Match 'Uploading snapshot .*: [\d.]+ KiB of [\d.]+ KiB'
        (Invoke-InRunspace "Save-HarmonySnapshot -ConfigPath '$script:Config' -ProgressAction SilentlyContinue").Progress | Should -BeNullOrEmpty
    }

    It 'completes a snapshot -Id from the store of the node the command line names' {
        $ids = (Get-HarmonySnapshot -Node $script:Node).Id
        $line = "Restore-HarmonySnapshot -ConfigPath '$script:Config' -Id "
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be $ids
        $line = "Restore-HarmonySnapshot -ConfigPath '$script:Config' -Id $($ids[-1].Substring(0, 10))"
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain $ids[-1]
    }

    It 'refuses to restore while the node replicates the database, and -WhatIf leaves it alone once stopped' {
        $err = { Restore-HarmonySnapshot -ConfigPath $script:Config -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        ($err.CategoryInfo.Category, $err.FullyQualifiedErrorId.Split(',')[0], $err.TargetObject) | Should -Be 'ResourceBusy', 'DatabaseInUseByNode', $script:Db
        $script:Node | Stop-HarmonyNode
        Invoke-Sqlite $script:Db 'DELETE FROM Books;'
        $before = Get-FileBytes $script:Db
        Restore-HarmonySnapshot -ConfigPath $script:Config -WhatIf | Should -BeNullOrEmpty
        Get-FileBytes $script:Db | Should -Be $before
    }

    It 'restores a chosen snapshot from the pipeline, and refuses while sqlite3 holds the database' {
        $oldest = Get-HarmonySnapshot -ConfigPath $script:Config | Select-Object -Last 1
        $restored = $oldest | Restore-HarmonySnapshot -ConfigPath $script:Config -Confirm:$false -WarningAction SilentlyContinue
        $restored.Id | Should -Be $oldest.Id
        Invoke-Sqlite $script:Db 'SELECT title FROM Books ORDER BY id;' | Should -Be 'Dune', 'Emma'
        # An interactive sqlite3 shell holding the database open, as an application would.
        $info = [Diagnostics.ProcessStartInfo]::new('sqlite3', $script:Db)
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $shell = [Diagnostics.Process]::Start($info)
        try {
            $shell.StandardInput.WriteLine('BEGIN; SELECT count(*) FROM Books;')
            $shell.StandardInput.Flush()
            $null = $shell.StandardOutput.ReadLine()
            $err = { Restore-HarmonySnapshot -ConfigPath $script:Config -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
            ($err.CategoryInfo.Category, $err.FullyQualifiedErrorId.Split(',')[0], $err.TargetObject) | Should -Be 'ResourceBusy', 'DatabaseInUse', $script:Db
            "$err" | Should -Match 'sqlite3'
        }
        finally {
            $shell.Kill()
            $shell.WaitForExit()
        }
    }
}

Describe 'Restore on a fresh node' {
    It 'a new machine restores the newest snapshot, then its node replicates from there' {
        $db = Join-Path $script:Work 'fresh/node.db'
        New-Item -ItemType Directory (Split-Path $db) | Out-Null
        $config = New-TestConfig 'fresh' $db 52 $script:FileStore -Prefix snap
        $newest = Get-HarmonySnapshot -ConfigPath $config | Select-Object -First 1
        $run = Invoke-InRunspace "Restore-HarmonySnapshot -ConfigPath '$config' -Confirm:`$false"
        $run.Errors | Should -BeNullOrEmpty
        $run.Output.Id | Should -Be $newest.Id
        (($run.Progress | Where-Object ActivityId -eq 1).StatusDescription -join "`n") | Should -Match 'Downloading snapshot'
        Invoke-Sqlite $db 'SELECT title FROM Books ORDER BY id;' | Should -Be 'Dune', 'Emma'
        $node = Start-HarmonyNode -ConfigPath $config -WarningAction SilentlyContinue
        try {
            "$($node.State)" | Should -Be 'Running'
            (Get-HarmonyShardStatus -Node $node).AppliedSequence | Should -Be $newest.Positions['snap-1']
        }
        finally {
            $node | Stop-HarmonyNode
        }
    }

    It 'a node started on a missing database says how to create it, in the cmdlets'' words' {
        $config = New-TestConfig 'missing' (Join-Path $script:Work 'missing/node.db') 53 -Prefix missing
        $err = { Start-HarmonyNode -ConfigPath $config -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -PassThru
        ($err.CategoryInfo.Category, $err.FullyQualifiedErrorId.Split(',')[0]) | Should -Be 'ObjectNotFound', 'DatabaseNotFound'
        "$err" | Should -Match 'sqlite3'
        "$err" | Should -Match 'snapshot.enabled = true'
    }
}

Describe 'Save-HarmonySnapshot as a scheduled task runs it' {
    BeforeAll {
        $script:Nats = Start-TestNatsServer 'task'
        $script:TaskDb = New-TestDatabase 'task/node.db'
        Invoke-Sqlite $script:TaskDb "INSERT INTO Books VALUES (1, 'Dune');"
        # The task file a scheduler runs (pwsh -NoProfile -NonInteractive -File task.ps1); the configuration is its argument.
        $script:Task = "param([string] `$Config)`n`$ErrorActionPreference = 'Stop'`nImport-Module '$script:ModuleManifest'`nSave-HarmonySnapshot -ConfigPath `$Config"
        function Invoke-Task([string] $Config) {
            $run = Invoke-Pwsh $script:Task -Arguments '-Config', $Config
            [pscustomobject]@{ ExitCode = $run.ExitCode; Output = $run.Output + $run.Error }
        }
    }

    It 'exits 0 once a verified snapshot is stored in NATS' {
        $config = New-TestConfig 'task-ok' $script:TaskDb 61 "[snapshot]`nenabled = true" -Nats $script:Nats -Prefix task
        $run = Invoke-Task $config
        $run.ExitCode | Should -Be 0 -Because $run.Output
        (Get-HarmonySnapshot -ConfigPath $config).NodeId | Should -Be 61
    }

    It 'exits non-zero when NATS cannot be reached' {
        $config = New-TestConfig 'task-nonats' $script:TaskDb 62 "[snapshot]`nenabled = true" -Nats "nats://127.0.0.1:$(Get-FreePort)" -Prefix task
        $run = Invoke-Task $config
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'SnapshotStoreUnavailable|NATS'
    }

    It 'exits non-zero when the configuration is bad' {
        $config = Join-Path $script:Work 'task-bad.toml'
        "db_path = '$script:TaskDb'`nnode_id = 'one'" | Set-Content $config
        $run = Invoke-Task $config
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'node_id'
    }
}
