using System.Text.Json;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>
/// Three nodes, each with its embedded server on a fixed free port, so that a separate <c>harmonylite</c> run (and this
/// process) can reach a node's NATS from its configuration alone.
/// </summary>
public sealed class ClusterStatusFixture : ClusterFixture
{
    private readonly int[] _clientPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];

    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = """
            CREATE TABLE items(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
            CREATE TABLE notes(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
            """,
        // Three copies of the streams and of the cluster bucket: the cluster outlives the node a test kills.
        Node = id => new NodeSettings { NatsBindAddress = $"127.0.0.1:{_clientPorts[id - 1]}", Replicas = 3 },
    };
}

/// <summary>
/// The cluster bucket seen from outside the nodes: <c>-cluster-status</c>, the
/// replication wait (<c>-wait-replicated</c>) succeeding and timing out, and a schema difference after ALTER TABLE.
/// Each test leaves all three nodes running and caught up.
/// </summary>
public sealed class ClusterStatusTests : IClassFixture<ClusterStatusFixture>
{
    private readonly ClusterHarness _cluster;

    public ClusterStatusTests(ClusterStatusFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task Cluster_status_lists_all_three_nodes_with_the_positions_of_every_shard()
    {
        await WaitAllLiveAsync();
        await _cluster[1].Database.ExecuteAsync("INSERT INTO items(id, body) VALUES (1001, 'a'), (1002, 'b');");
        await _cluster.WaitForCountAsync("items", 2, "id IN (1001, 1002)");

        ClusterStatus? status = null;
        await _cluster.WaitUntilAsync(async () =>
        {
            status = await ReadStatusAsync(2);
            return status.Nodes.Count == 3 && status.Nodes.All(n => n.IsLive && n.Lag == 0);
        }, "three live nodes that applied every shard");
        Assert.Equal([1UL, 2UL, 3UL], status!.Nodes.Select(n => n.NodeId));
        foreach (var node in status.Nodes)
            foreach (var shard in node.Shards) Assert.Equal(shard.LastSequence, shard.Applied);
        // Node 1 published the last message of some shard (its own write).
        Assert.Contains(status.Nodes[0].Shards, s => s.Published > 0 && s.Published <= s.LastSequence);

        var run = await HarmonyliteExecutable.RunAsync(_cluster[3].Directory, "-config", _cluster[3].ConfigPath, "-cluster-status", "-json");
        Assert.True(run.ExitCode == 0, $"-cluster-status failed: {run}");
        using var json = JsonDocument.Parse(run.Output);
        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([1UL, 2UL, 3UL], nodes.Select(n => n.GetProperty("node_id").GetUInt64()));
        Assert.All(nodes, n => Assert.False(n.GetProperty("is_stale").GetBoolean()));
        Assert.All(nodes, n => Assert.Equal("Running", n.GetProperty("state").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("entry").GetProperty("table_schemas").TryGetProperty("items", out _), run.Output));
    }

    [Fact]
    public async Task Wait_replicated_returns_once_a_burst_written_on_node_1_is_applied_everywhere()
    {
        await WaitAllLiveAsync();
        var inserts = string.Concat(Enumerable.Range(2001, 200).Select(i => $"INSERT INTO items(id, body) VALUES ({i}, 'burst {i}');\n"));
        await _cluster[1].Database.ExecuteAsync(inserts);

        var run = await HarmonyliteExecutable.RunAsync(_cluster[1].Directory, "-config", _cluster[1].ConfigPath, "-wait-replicated", "-timeout", "90s");
        Assert.True(run.ExitCode == 0, $"-wait-replicated failed: {run}");
        // Once the wait returned, every replica has the burst: no further waiting here.
        foreach (var node in _cluster.Nodes)
            Assert.Equal(200, await node.Database.CountAsync("items", "id BETWEEN 2001 AND 2200"));
    }

    [Fact]
    public async Task Wait_replicated_times_out_naming_a_frozen_node_and_how_far_behind_it_is()
    {
        await WaitAllLiveAsync();
        var node3 = _cluster[3];
        var config = ConfigurationLoader.Load(_cluster[1].ConfigPath).Config;
        // Every node caught up first: a consumer still recovering from an earlier test is not what this test is about.
        await ReplicationWaiter.WaitAsync(config, ClusterHarness.ReplicationTimeout, "-timeout", null, CancellationToken.None);
        PosixSignal.Freeze(node3.ProcessId!.Value);
        try
        {
            await _cluster[1].Database.ExecuteAsync("INSERT INTO items(id, body) VALUES (3001, 'while 3 is frozen');");
            var timeout = await Assert.ThrowsAsync<ReplicationTimeoutException>(() =>
                ReplicationWaiter.WaitAsync(config, TimeSpan.FromSeconds(8), "-timeout", null, CancellationToken.None));
            var behind = Assert.Single(timeout.Behind, b => b.NodeId == 3);
            Assert.Equal(1UL, behind.Behind.Values.Single());
            Assert.Contains("node 3", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("-timeout 8 s", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("behind by 1 message(s) on harmonylite-changes-1", timeout.Message, StringComparison.Ordinal);
        }
        finally
        {
            PosixSignal.Continue(node3.ProcessId!.Value);
        }
        await _cluster.WaitForCountAsync("items", 1, "id = 3001");
    }

    [Fact]
    public async Task Wait_replicated_for_a_node_that_is_not_running_fails_and_says_so()
    {
        await WaitAllLiveAsync();
        var directory = _cluster[1].Directory;
        var config = Path.Combine(directory, "absent-node.toml");
        await File.WriteAllTextAsync(config, $"""
            db_path = '{Path.Combine(directory, "absent.db")}'
            node_id = 9
            [nats]
            urls = ['{_cluster[1].NatsUrl}']
            """);

        var run = await HarmonyliteExecutable.RunAsync(directory, "-config", config, "-wait-replicated", "-timeout", "5s");

        Assert.True(run.ExitCode == 1, $"expected exit code 1: {run}");
        Assert.Contains("Node 9", run.Error, StringComparison.Ordinal);
        Assert.Contains("is not running: it has no entry in the key-value bucket harmonylite-changes-nodes", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_added_column_shows_as_a_schema_difference_and_holds_that_tables_messages_until_the_others_add_it()
    {
        await WaitAllLiveAsync();
        await _cluster[1].Database.ExecuteAsync("ALTER TABLE notes ADD COLUMN tag TEXT;");
        // Node 1 has the new schema alone: it differs from the two others.
        await _cluster.WaitUntilAsync(async () => (await ReadStatusAsync(2)).SchemaDifferences is [{ Table: "notes", NodeId: 1 }],
            "notes differing on node 1");
        // Changes captured under the new schema are held on the nodes that lack it.
        await _cluster[1].Database.ExecuteAsync("INSERT INTO notes(id, body, tag) VALUES (1, 'after alter', 'x');");
        await _cluster.WaitUntilAsync(async () => (await ReadStatusAsync(2)).Nodes.Where(n => n.NodeId != 1).All(n => n.Entry.QuarantinedMessages > 0),
            "node 1's message held on nodes 2 and 3");
        // Held with the reason, not failed.
        await _cluster.WaitUntilAsync(() => Task.FromResult(new[] { _cluster[2], _cluster[3] }.All(n => n.Log.Contains("the nodes' schemas of 'notes' differ"))),
            "the schema difference as the reason of the hold on nodes 2 and 3");
        var difference = (await ReadStatusAsync(2)).SchemaDifferences.Single();
        Assert.Equal([2UL, 3UL], difference.CommonNodes);
        Assert.NotEqual(difference.SchemaHash, difference.CommonSchemaHash);
        Assert.Equal(0, await _cluster[2].Database.CountAsync("notes"));
        Assert.Equal(0, await _cluster[3].Database.CountAsync("notes"));
        // Other tables still replicate meanwhile.
        await _cluster[1].Database.ExecuteAsync("INSERT INTO items(id, body) VALUES (4001, 'unaffected');");
        await _cluster.WaitForCountAsync("items", 1, "id = 4001");

        foreach (var node in new[] { _cluster[2], _cluster[3] }) await node.Database.ExecuteAsync("ALTER TABLE notes ADD COLUMN tag TEXT;");
        await _cluster.WaitForCountAsync("notes", 1, "id = 1 AND tag = 'x'");
        await _cluster.WaitUntilAsync(async () =>
        {
            var status = await ReadStatusAsync(3);
            return status.SchemaDifferences.Count == 0 && status.Nodes.All(n => n.Entry.QuarantinedMessages == 0);
        }, "no schema difference and empty quarantines once every node has the column");
    }

    // While the killed node's server was the bucket's stream leader, the others elect a new one: a read may time out meanwhile.
    // Each test starts from a healthy cluster: all three entries written recently.
    private Task WaitAllLiveAsync() =>
        _cluster.WaitUntilAsync(async () => (await TryReadStatusAsync(1))?.Nodes is { Count: 3 } nodes && nodes.All(n => n.IsLive),
            "three live nodes in the cluster bucket");

    private async Task<ClusterStatus?> TryReadStatusAsync(int nodeId)
    {
        try
        {
            return await ReadStatusAsync(nodeId);
        }
        catch (HarmonyLite.Engine.Messaging.MessagingException)
        {
            return null;
        }
    }

    private async Task<ClusterStatus> ReadStatusAsync(int nodeId) =>
        await ClusterStatusReader.ReadAsync(ConfigurationLoader.Load(_cluster[nodeId].ConfigPath).Config, CancellationToken.None);
}

/// <summary>
/// A killed node in a cluster of its own (so that the other tests do not wait for the servers to recover from it): its
/// entry turns stale, the others' do not.
/// </summary>
public sealed class StaleNodeTests : IClassFixture<ClusterStatusFixture>
{
    // The documented 9 s, plus the time the surviving servers may need to elect new leaders for the bucket and streams.
    private static readonly TimeSpan StaleDeadline = ClusterBucket.StaleAfter + ClusterHarness.ReplicationTimeout;

    private readonly ClusterHarness _cluster;

    public StaleNodeTests(ClusterStatusFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task A_killed_node_turns_stale_within_three_heartbeats_while_the_others_stay_live()
    {
        await _cluster.WaitUntilAsync(async () => (await TryReadStatusAsync())?.Nodes is { Count: 3 } nodes && nodes.All(n => n.IsLive),
            "three live nodes in the cluster bucket");
        await _cluster[2].KillAsync();

        ClusterStatus? status = null;
        await _cluster.WaitUntilAsync(async () => (status = await TryReadStatusAsync())?.Nodes.Single(n => n.NodeId == 2).IsStale == true,
            "node 2 shown as stale", StaleDeadline);
        var node2 = status!.Nodes.Single(n => n.NodeId == 2);
        // Killed, it could not say it stopped: its entry still says running, only its heartbeat tells.
        Assert.Equal(NodeState.Running, node2.State);
        Assert.False(node2.IsLive);
    }

    // While the killed node's server was the bucket's stream leader, the others elect a new one: a read may time out meanwhile.
    private async Task<ClusterStatus?> TryReadStatusAsync()
    {
        try
        {
            return await ClusterStatusReader.ReadAsync(ConfigurationLoader.Load(_cluster[1].ConfigPath).Config, CancellationToken.None);
        }
        catch (HarmonyLite.Engine.Messaging.MessagingException)
        {
            return null;
        }
    }
}
