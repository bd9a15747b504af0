#Requires -Version 7.4
# Real nodes: three in the session (one external nats-server) and three as jobs (a cluster of embedded servers),
# converging on writes made with the sqlite3 shell; jobs, status, views, pipeline binding, -Node, completion, progress.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

AfterAll {
    Remove-TestWork
}

Describe 'Three nodes in the session over one nats-server' {
    BeforeAll {
        $script:Url = Start-TestNatsServer 'session'
        $script:Databases = 1..3 | ForEach-Object { New-TestDatabase "session/node-$_.db" }
        $script:Configs = 1..3 | ForEach-Object { New-TestConfig "session-node-$_" $script:Databases[$_ - 1] (10 + $_) -Nats $script:Url -Prefix session }
        $script:Nodes = foreach ($config in $script:Configs) { Start-HarmonyNode -ConfigPath $config -WarningAction SilentlyContinue }
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode
    }

    It 'returns each node once it replicates' {
        $script:Nodes.State | ForEach-Object { "$_" } | Should -Be 'Running', 'Running', 'Running'
        (Get-HarmonyNode).NodeId | Should -Be 11, 12, 13
    }

    It 'converges on inserts, updates and deletes made with the sqlite3 shell on different nodes' {
        Invoke-Sqlite $script:Databases[0] "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');"
        Invoke-Sqlite $script:Databases[1] "UPDATE Books SET title = 'Emma (1815)' WHERE id = 2;" -ErrorAction SilentlyContinue
        Wait-HarmonyConvergence -DatabasePath $script:Databases -Timeout 60 | Out-Null
        Invoke-Sqlite $script:Databases[1] "UPDATE Books SET title = 'Emma (1815)' WHERE id = 2;"
        Invoke-Sqlite $script:Databases[2] "DELETE FROM Books WHERE id = 1; INSERT INTO Books VALUES (3, 'Ulysses');"
        Wait-Condition 'the changes on every node' 60 { (Invoke-Sqlite $script:Databases[0] 'SELECT group_concat(title) FROM (SELECT title FROM Books ORDER BY id);') -eq 'Emma (1815),Ulysses' }
        $converged = Wait-HarmonyConvergence -DatabasePath $script:Databases -Timeout 60
        $converged.RowCounts['Books'] | Should -Be 2
    }

    It 'reports shard status from nodes piped in, by -Node and by -ConfigPath of a session node' {
        $piped = Get-HarmonyNode | Get-HarmonyShardStatus
        $piped.NodeId | Should -Be 11, 12, 13
        $piped | ForEach-Object { $_.LastSequence | Should -BeGreaterOrEqual 3 }
        (Get-HarmonyShardStatus -Node $script:Nodes[0]).LastSequence | Should -BeGreaterOrEqual 3
        (Get-HarmonyShardStatus -ConfigPath $script:Configs[1]).NodeId | Should -Be 12
        $text = $piped | Out-String
        $text | Should -Match 'NodeId\s+Shard\s+Stream\s+First\s+Last\s+Applied\s+Lag'
        $text | Should -Match '11\s+1\s+session-1'
    }

    It 'shows nodes as a table and, in a list, without their configuration and log' {
        $table = Get-HarmonyNode | Out-String -Width 250
        $table | Should -Match 'NodeId\s+State\s+StartedAt\s+JobId\s+DatabasePath\s+LastError'
        $table | Should -Match '11\s+Running'
        $list = Get-HarmonyNode -NodeId 11 | Format-List | Out-String
        $list | Should -Match 'ConfigPath\s+: '
        $list | Should -Not -Match 'RecentLog|Config\s+:'
        @($list.Trim() -split "`r?`n").Count | Should -BeLessOrEqual 8
    }

    It 'binds -NodeId and -DatabasePath by property name from nodes and configurations' {
        ($script:Nodes[2] | Get-HarmonyNode).NodeId | Should -Be 13
        ([pscustomobject]@{ NodeId = 12 } | Get-HarmonyNode).NodeId | Should -Be 12
        (Get-HarmonyNode | Wait-HarmonyConvergence -Timeout 30).DatabasePaths | Should -Be $script:Databases
        (Get-HarmonyConfiguration $script:Configs | Wait-HarmonyConvergence -Timeout 30).DatabasePaths | Should -Be $script:Databases
    }

    It 'completes -NodeId with the ids of the session, not file names' {
        $line = 'Stop-HarmonyNode -NodeId '
        $matches = (TabExpansion2 $line $line.Length).CompletionMatches
        $matches.CompletionText | Should -Be '11', '12', '13'
        $matches[0].ToolTip | Should -Match 'Running'
        $line = 'Get-HarmonyNode -NodeId 1'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be '11', '12', '13'
    }

    It 'refuses a second node with a running id, and a second node on a running database' {
        $other = New-TestConfig 'duplicate' (New-TestDatabase 'session/dup.db') 11 -Nats $script:Url -Prefix session
        $err = { Start-HarmonyNode -ConfigPath $other -ErrorAction Stop } | Should -Throw -PassThru
        ($err.CategoryInfo.Category, $err.FullyQualifiedErrorId.Split(',')[0], $err.TargetObject) | Should -Be 'ResourceExists', 'NodeAlreadyRunning', 11
        $same = New-TestConfig 'same-db' $script:Databases[0] 19 -Nats $script:Url -Prefix session
        $err = { Start-HarmonyNode -ConfigPath $same -ErrorAction Stop } | Should -Throw -PassThru
        ($err.CategoryInfo.Category, $err.FullyQualifiedErrorId.Split(',')[0], $err.TargetObject) | Should -Be 'ResourceBusy', 'DatabaseInUseByNode', $script:Databases[0]
    }

    It 'refuses to remove capture from a database a node of the session replicates' {
        $err = { Uninstall-HarmonyTriggers -DatabasePath $script:Databases[2] -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DatabaseInUseByNode,*'
        "$err" | Should -Match 'Stop-HarmonyNode -NodeId 13'
    }

    It '-WhatIf on Stop-HarmonyNode and Start-HarmonyNode changes nothing' {
        Stop-HarmonyNode -NodeId 13 -WhatIf
        "$((Get-HarmonyNode -NodeId 13).State)" | Should -Be 'Running'
        $db = New-TestDatabase 'session/whatif.db'
        $before = Get-FileBytes $db
        Start-HarmonyNode -ConfigPath (New-TestConfig 'whatif-start' $db 18 -Nats $script:Url -Prefix session) -WhatIf | Should -BeNullOrEmpty
        Get-HarmonyNode -NodeId 18 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-FileBytes $db | Should -Be $before
    }

    It 'shows the progress of a start, and is quiet with -ProgressAction SilentlyContinue' {
        $db = New-TestDatabase 'session/progress.db'
        $config = New-TestConfig 'progress' $db 17 -Nats $script:Url -Prefix session
        $run = Invoke-InRunspace "Start-HarmonyNode -ConfigPath '$config' -WarningAction SilentlyContinue | Stop-HarmonyNode"
        $run.Errors | Should -BeNullOrEmpty
        $start = $run.Progress | Where-Object ActivityId -eq 2
        $start | Should -Not -BeNullOrEmpty
        $start[0].Activity | Should -Match 'Starting HarmonyLite node 17'
        ($start.StatusDescription -join "`n") | Should -Match '\d+ s: '
        $start[-1].RecordType | Should -Be 'Completed'
        (Invoke-InRunspace "Start-HarmonyNode -ConfigPath '$config' -WarningAction SilentlyContinue -ProgressAction SilentlyContinue | Stop-HarmonyNode").Progress | Should -BeNullOrEmpty
    }

    It 'stops nodes from the pipeline and forgets them' {
        $stopped = Get-HarmonyNode | Stop-HarmonyNode -PassThru
        $stopped.State | ForEach-Object { "$_" } | Should -Be 'Stopped', 'Stopped', 'Stopped'
        Get-HarmonyNode | Should -BeNullOrEmpty
    }
}

Describe 'Three nodes as jobs, their embedded servers one cluster' {
    BeforeAll {
        $script:Jobs = Start-TestCluster 'jobs' 3 -FirstNodeId 21
        Wait-NodesRunning 3
        $script:JobDatabases = (Get-HarmonyNode).DatabasePath
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode
        Get-Job | Where-Object PSJobTypeName -eq 'HarmonyNodeJob' | Remove-Job -Force
    }

    It 'runs each node as a job listed by Get-Job that follows it' {
        $script:Jobs | ForEach-Object { "$($_.State)" } | Should -Be 'Running', 'Running', 'Running'
        (Get-Job -Name 'HarmonyNode2*').Name | Sort-Object | Should -Be 'HarmonyNode21', 'HarmonyNode22', 'HarmonyNode23'
        (Get-HarmonyNode).JobId | Should -Be $script:Jobs.Id
        ($script:Jobs | Out-String) | Should -Match 'HarmonyNode21\s+HarmonyNodeJob\s+Running'
    }

    It 'converges on writes made with the sqlite3 shell on any node' {
        Invoke-Sqlite $script:JobDatabases[0] "INSERT INTO Books VALUES (8, 'Dune');"
        Invoke-Sqlite $script:JobDatabases[2] "INSERT INTO Books VALUES (9, 'Emma');"
        $converged = Wait-HarmonyConvergence -DatabasePath $script:JobDatabases -Timeout 60
        $converged.RowCounts['Books'] | Should -Be 2
    }

    It 'Receive-Job gives the status when the node started replicating, as a table' {
        $status = Receive-Job $script:Jobs[0] -Keep | Where-Object { $_.pstypenames -contains 'HarmonyLite.Engine.Node.NodeStatus' }
        "$(@($status)[0].State)" | Should -Be 'Running'
        ($status | Out-String) | Should -Match 'NodeId\s+State\s+Published\s+Applied\s+Pending\s+Quarantined\s+MaxLag\s+NatsUrl'
    }

    It 'takes a job''s node through the pipeline (by the Node property)' {
        ($script:Jobs[1] | Get-HarmonyShardStatus).NodeId | Should -Be 22
        ($script:Jobs[1] | Get-HarmonySnapshot -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'Stop-Job stops the node; the final status from Receive-Job still has its stream positions' {
        $job = $script:Jobs[2]
        Stop-Job -Job $job
        "$($job.State)" | Should -Be 'Stopped'
        "$((Get-HarmonyNode -NodeId 23).State)" | Should -Be 'Stopped'
        $statuses = @(Receive-Job -Job $job | Where-Object { $_.pstypenames -contains 'HarmonyLite.Engine.Node.NodeStatus' })
        $statuses.State | ForEach-Object { "$_" } | Should -Be 'Running', 'Stopped'
        $final = $statuses[-1]
        $final.AppliedBatches | Should -BeGreaterOrEqual 1
        $final.Shards[0].LastSequence | Should -BeGreaterOrEqual 2
        $final.Shards[0].AppliedSequence | Should -BeGreaterOrEqual 2
    }

    It 'Remove-Job removes a finished job, and Stop-HarmonyNode a job''s node' {
        Remove-Job -Job $script:Jobs[2]
        Get-Job -Id $script:Jobs[2].Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Job -Name HarmonyNode22 | Stop-HarmonyNode
        "$($script:Jobs[1].State)" | Should -Be 'Stopped'
    }
}

Describe 'A cluster node started alone' {
    It 'times out once with one actionable message in the cmdlets'' words' {
        $db = New-TestDatabase 'alone/node.db'
        $config = New-TestConfig 'alone' $db 41 -Prefix alone
        $err = { Start-HarmonyNode -ConfigPath $config -ClusterAddress "127.0.0.1:$(Get-FreePort)" -ClusterPeers "nats://127.0.0.1:$(Get-FreePort)", "nats://127.0.0.1:$(Get-FreePort)" -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.FullyQualifiedErrorId | Should -BeLike 'EmbeddedNatsServerStartTimeout,*'
        $err.TargetObject | Should -Be 41
        $message = "$err"
        $message | Should -Match 'start the other nodes at the same time \(Start-HarmonyNode -AsJob\)'
        $message | Should -Match '-ClusterPeers'
        $message | Should -Not -Match 'StartTimeout'
        @([regex]::Matches($message, 'Healthcheck')).Count | Should -BeLessOrEqual 1
        Get-HarmonyNode -NodeId 41 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
