#Requires -Version 7.4
# Get-HarmonyCluster and Wait-HarmonyReplication on three real nodes in the session over one nats-server: the cluster
# asked through the session node, -Node and -ConfigPath; the wait after a write; errors a script can act on.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

AfterAll {
    Remove-TestWork
}

Describe 'The cluster of three session nodes' {
    BeforeAll {
        $script:Url = Start-TestNatsServer 'cluster'
        $script:Databases = 1..3 | ForEach-Object { New-TestDatabase "cluster/node-$_.db" }
        $script:Configs = 1..3 | ForEach-Object { New-TestConfig "cluster-node-$_" $script:Databases[$_ - 1] (20 + $_) -Nats $script:Url -Prefix cluster }
        $script:Nodes = foreach ($config in $script:Configs) { Start-HarmonyNode -ConfigPath $config -WarningAction SilentlyContinue }
    }

    AfterAll {
        Get-HarmonyNode | Stop-HarmonyNode
    }

    It 'lists every node, live, through the session node, -Node and -ConfigPath' {
        Wait-Condition 'three live nodes in the cluster bucket' 60 { @(Get-HarmonyCluster | Where-Object IsLive).Count -eq 3 }
        $nodes = Get-HarmonyCluster
        $nodes.NodeId | Should -Be 21, 22, 23
        $nodes | ForEach-Object { "$($_.State)" } | Should -Be 'Running', 'Running', 'Running'
        $nodes.IsStale | Should -Be $false, $false, $false
        (Get-HarmonyCluster -Node $script:Nodes[1]).NodeId | Should -Be 21, 22, 23
        ($script:Nodes | Get-HarmonyCluster).NodeId | Should -Be 21, 22, 23
        (Get-HarmonyCluster -ConfigPath $script:Configs[2]).NodeId | Should -Be 21, 22, 23
        $nodes[0].Entry.TableSchemas.Keys | Should -Be 'Books'
        $nodes | ForEach-Object { $_.SchemaDiffers.Count } | Should -Be 0, 0, 0
    }

    It 'shows the cluster as a table with staleness, lag and schema differences' {
        $text = Get-HarmonyCluster | Out-String -Width 250
        $text | Should -Match 'NodeId\s+State\s+Stale\s+Host\s+Heartbeat\s+Lag\s+Pending\s+Quarantined\s+SchemaDiffers'
        $text | Should -Match '21\s+Running\s+False'
    }

    It 'waits until a write on node 1 is applied on every node, with no race between the write and the wait' {
        Invoke-Sqlite $script:Databases[0] "INSERT INTO Books VALUES (101, 'Dune'); INSERT INTO Books VALUES (102, 'Emma');"
        $result = Wait-HarmonyReplication -Node $script:Nodes[0] -Timeout 60
        $result.Nodes | Should -Be 21, 22, 23
        $result.Shards[0].Sequence | Should -BeGreaterThan 0
        foreach ($db in $script:Databases) { Invoke-Sqlite $db 'SELECT count(*) FROM Books WHERE id IN (101, 102);' | Should -Be 2 }
        $text = $result | Out-String
        $text | Should -Match 'Nodes\s+Shards\s+Stopped\s+Elapsed'
    }

    It 'waits from a configuration and from the session node when none is given' {
        Invoke-Sqlite $script:Databases[1] "INSERT INTO Books VALUES (103, 'Ulysses');"
        (Wait-HarmonyReplication -ConfigPath $script:Configs[1] -Timeout '00:01:00').Nodes | Should -Be 21, 22, 23
        foreach ($db in $script:Databases) { Invoke-Sqlite $db 'SELECT count(*) FROM Books WHERE id = 103;' | Should -Be 1 }
        (Wait-HarmonyReplication -Timeout 30).Nodes | Should -Be 21, 22, 23
    }

    It 'shows progress while it waits, in a session that has only the configuration' {
        $result = Invoke-InRunspace "Wait-HarmonyReplication -ConfigPath '$($script:Configs[0])' -Timeout 60"
        $result.Errors | Should -BeNullOrEmpty
        $result.Output[0].Nodes | Should -Be 21, 22, 23
        $result.Progress.Activity | Should -Contain 'Waiting until every live node has applied what was published'
    }

    It 'adds the cluster view to the shard status: the greatest lag of a live node and the nodes behind' {
        Wait-HarmonyReplication -Timeout 60 | Out-Null
        $shards = Get-HarmonyNode | Get-HarmonyShardStatus
        $shards.NodeId | Should -Be 21, 22, 23
        $shards | ForEach-Object { $_.PSObject.Properties.Name | Should -Contain 'ClusterLag' }
        # Nothing written since the wait: every live node applied everything (the facts the health report shows too).
        $shards | ForEach-Object { $_.ClusterLag | Should -Be 0 }
        $shards | ForEach-Object { $_.NodesBehind.Count | Should -Be 0 }
        (Get-HarmonyShardStatus -ConfigPath $script:Configs[0]).PSObject.Properties.Name | Should -Contain 'NodesBehind'
        Get-HarmonyShardStatus -Node $script:Nodes[0] | Out-String -Width 250 | Should -Match 'Lag\s+ClusterLag\s+NodesBehind'
    }

    It 'fails, naming the node, when the configuration is of a node that is not running' {
        $other = New-TestConfig 'cluster-absent' (New-TestDatabase 'cluster/absent.db') 29 -Nats $script:Url -Prefix cluster
        $err = { Wait-HarmonyReplication -ConfigPath $other -Timeout 5 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^NodeNotRunning'
        $err.Exception.Message | Should -Match 'Node 29 .* is not running: it has no entry in the key-value bucket cluster-nodes'
    }

    It 'refuses a timeout that is not positive' {
        $err = { Wait-HarmonyReplication -Timeout 0 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^InvalidTimeout'
        $err.Exception.Message | Should -Match '-Timeout must be longer than zero'
    }
}

Describe 'A session without a running node' {
    It 'says what to give instead' {
        $result = Invoke-InRunspace 'try { Get-HarmonyCluster -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }'
        $result.Output[0] | Should -Match '^NoRunningNode'
        $result.Output[1] | Should -Match 'Start one with Start-HarmonyNode, or give the configuration .*-ConfigPath'
    }
}
