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
    private readonly int[] _healthPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];

    /// <summary>Node <paramref name="id"/>'s detailed health endpoint.</summary>
    public string HealthUrl(int id) => $"http://127.0.0.1:{_healthPorts[id - 1]}/health";

    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = """
            CREATE TABLE items(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
            CREATE TABLE notes(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
            """,
        // Three copies of the streams and of the cluster bucket: the cluster outlives the node a test kills.
        Node = id => new NodeSettings
        {
            NatsBindAddress = $"127.0.0.1:{_clientPorts[id - 1]}",
            Replicas = 3,
            ExtraToml = $"[health_check]\nenable = true\nbind = \"127.0.0.1:{_healthPorts[id - 1]}\"\npath = \"/health\"\ndetailed = true\n\n",
        },
    };
}

/// <summary>
/// The cluster bucket seen from outside the nodes: <c>-cluster-status</c>, the
/// replication wait (<c>-wait-replicated</c>) succeeding and timing out, and a schema difference after ALTER TABLE;
/// and the same facts in the nodes' detailed health reports. Each test leaves all three nodes running and caught up.
/// </summary>
public sealed class ClusterStatusTests : IClassFixture<ClusterStatusFixture>, IDisposable
{
    private readonly ClusterStatusFixture _fixture;
    private readonly ClusterHarness _cluster;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public ClusterStatusTests(ClusterStatusFixture fixture)
    {
        _fixture = fixture;
        _cluster = fixture.Cluster;
    }

    public void Dispose() => _http.Dispose();

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

        // Every node's health report shows what the cluster status shows (the same ClusterFacts): all live, nobody behind.
        foreach (var id in new[] { 1, 2, 3 })
        {
            var report = await WaitForHealthAsync(id, r => ClusterOf(r) is { } cluster
                && cluster.Live.SequenceEqual([1UL, 2UL, 3UL]) && cluster.Stale.Count == 0 && cluster.SchemaDiffers.Count == 0
                && ShardsOf(r).All(s => s.ClusterLag == 0 && s.NodesBehind.Count == 0), $"node {id}'s health: three live nodes, cluster_lag 0");
            var facts = ClusterFacts.From(await ReadStatusAsync(id));
            Assert.Equal(facts.LiveNodes, ClusterOf(report)!.Live);
            Assert.Equal(facts.Shards.Select(s => s.Stream).Order(StringComparer.Ordinal),
                ShardsOf(report).Select(s => s.Stream).Order(StringComparer.Ordinal));
            Assert.Equal("healthy", report.GetProperty("status").GetString());
        }
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
            // Before its heartbeat ages into stale (9 s), the frozen node is live and behind in the others' health reports,
            // which stay healthy: another node's lag is news, not this node's health.
            foreach (var id in new[] { 1, 2 })
            {
                var report = await WaitForHealthAsync(id, r => ShardsOf(r).Any(s => s.NodesBehind.SequenceEqual([3UL]) && s.ClusterLag == 1),
                    $"node 3 in nodes_behind in node {id}'s health", TimeSpan.FromSeconds(5));
                Assert.Equal("healthy", report.GetProperty("status").GetString());
                Assert.Contains(3UL, ClusterOf(report)!.Live);
            }
            var timeout = await Assert.ThrowsAsync<ReplicationTimeoutException>(() =>
                ReplicationWaiter.WaitAsync(config, TimeSpan.FromSeconds(8), "-timeout", null, CancellationToken.None));
            var behind = Assert.Single(timeout.Behind, b => b.NodeId == 3);
            Assert.Equal(1UL, behind.Behind.Values.Single());
            Assert.Contains("node 3", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("-timeout 8 s", timeout.Message, StringComparison.Ordinal);
            Assert.Contains("behind by 1 message(s) on harmonylite-changes-1", timeout.Message, StringComparison.Ordinal);
            // Once stale it is no longer live, so no longer counted behind: the health report lists it as stale instead.
            await WaitForHealthAsync(1, r => ClusterOf(r) is { Stale: [3UL] } cluster && !cluster.Live.Contains(3UL)
                && ShardsOf(r).All(s => s.NodesBehind.Count == 0 && s.ClusterLag == 0), "node 3 stale in node 1's health",
                ClusterBucket.StaleAfter + TimeSpan.FromSeconds(10));
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

    private sealed record HealthCluster(IReadOnlyList<ulong> Live, IReadOnlyList<ulong> Stale, IReadOnlyList<string> SchemaDiffers);

    private sealed record HealthShard(string Stream, ulong? ClusterLag, IReadOnlyList<ulong> NodesBehind);

    private static HealthCluster? ClusterOf(JsonElement report) =>
        report.GetProperty("cluster") is { ValueKind: JsonValueKind.Object } cluster
            ? new HealthCluster(Ids(cluster.GetProperty("live_nodes")), Ids(cluster.GetProperty("stale_nodes")),
                cluster.GetProperty("schema_differs").EnumerateArray().Select(t => t.GetString()!).ToList())
            : null;

    private static List<HealthShard> ShardsOf(JsonElement report) => report.GetProperty("shards").EnumerateArray()
        .Select(s => new HealthShard(s.GetProperty("stream").GetString()!,
            s.GetProperty("cluster_lag").ValueKind == JsonValueKind.Null ? null : s.GetProperty("cluster_lag").GetUInt64(),
            s.GetProperty("nodes_behind").ValueKind == JsonValueKind.Null ? [] : Ids(s.GetProperty("nodes_behind"))))
        .ToList();

    private static List<ulong> Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetUInt64()).ToList();

    /// <summary>Asks node <paramref name="id"/>'s health endpoint until its report satisfies <paramref name="condition"/>.</summary>
    private async Task<JsonElement> WaitForHealthAsync(int id, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var last = "";
        JsonElement report = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var answer = await _http.GetAsync(_fixture.HealthUrl(id));
            last = $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
            report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone();
            return condition(report);
        }, what, timeout ?? ClusterHarness.ReplicationTimeout, async () => $"last answer {last}\n{await _cluster.DescribeAsync()}",
            TimeSpan.FromMilliseconds(100));
        return report;
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
