using HarmonyLite.EndToEnd.Tests.Harness;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>Node 1 does both; node 2 is a read-only replica (publish = false); node 3 a write-only node (replicate = false).</summary>
public sealed class NodeRoleClusterFixture : ClusterFixture
{
    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = "CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL);",
        Node = id => new NodeSettings { Publish = id != 2, Replicate = id != 3 },
    };
}

/// <summary>publish = false and replicate = false do what docs/configuration.md says: apply only, publish only.</summary>
public sealed class NodeRoleTests : IClassFixture<NodeRoleClusterFixture>
{
    private const string Stream = "harmonylite-changes-1";
    private readonly ClusterHarness _cluster;

    public NodeRoleTests(NodeRoleClusterFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task A_publish_false_node_keeps_its_writes_to_itself_but_applies_everyone_elses()
    {
        var replica = _cluster[2];
        Assert.True(replica.Log.Contains("publish = false: this node is a read-only replica"), replica.Log.Tail());
        var streamBefore = await LastSequenceAsync();

        await replica.Database.ExecuteAsync("INSERT INTO notes VALUES ('local-2', 'written on the read-only replica');");
        // Its publisher has handled the write (passed over it) ...
        await _cluster.WaitUntilAsync(() => replica.Database.HasPublishedEverythingAsync(), "node 2 handling its local write");
        // ... and a write node 3 makes afterwards reaches nodes 1 and 2: anything node 2 had published would be in the
        // stream before it, and node 1 applies the stream in order.
        await _cluster[3].Database.ExecuteAsync("INSERT INTO notes VALUES ('marker-3a', 'written on the write-only node');");
        await _cluster.WaitForCountAsync("notes", 1, "id = 'marker-3a'", _cluster[1], replica);

        Assert.Equal(0, await _cluster[1].Database.CountAsync("notes", "id = 'local-2'"));
        Assert.Equal(0, await _cluster[3].Database.CountAsync("notes", "id = 'local-2'"));
        Assert.Equal(streamBefore + 1, await LastSequenceAsync()); // the marker, nothing from node 2
    }

    [Fact]
    public async Task A_replicate_false_node_publishes_its_writes_but_applies_nobody_elses()
    {
        var writer = _cluster[3];
        Assert.True(writer.Log.Contains("replicate = false: this node publishes its changes but applies none"), writer.Log.Tail());

        await _cluster[1].Database.ExecuteAsync("INSERT INTO notes VALUES ('from-1', 'written on the full node');");
        await writer.Database.ExecuteAsync("INSERT INTO notes VALUES ('marker-3b', 'written on the write-only node');");
        await _cluster.WaitForCountAsync("notes", 1, "id = 'from-1'", _cluster[1], _cluster[2]);
        await _cluster.WaitForCountAsync("notes", 1, "id = 'marker-3b'", _cluster[1], _cluster[2], writer);

        // The change is in the stream and node 2 applied it; node 3 has no consumer that could ever deliver it.
        Assert.Equal(0, await writer.Database.CountAsync("notes", "id = 'from-1'"));
        Assert.Equal(0L, await writer.Database.ScalarAsync("SELECT count(*) FROM __harmonylite__stream_positions"));
        var consumers = await WithJetStreamAsync(async js =>
        {
            var names = new List<string>();
            await foreach (var name in js.ListConsumerNamesAsync(Stream)) names.Add(name);
            return names;
        });
        Assert.Contains("harmonylite-node-1", consumers);
        Assert.Contains("harmonylite-node-2", consumers);
        Assert.DoesNotContain("harmonylite-node-3", consumers);
    }

    private Task<ulong> LastSequenceAsync() => WithJetStreamAsync(async js => (await js.GetStreamAsync(Stream)).Info.State.LastSeq);

    /// <summary>Runs <paramref name="action"/> with a JetStream client connected to node 1's embedded server.</summary>
    private async Task<T> WithJetStreamAsync<T>(Func<NatsJSContext, Task<T>> action)
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _cluster[1].NatsUrl!, Name = "e2e-test" });
        return await action(new NatsJSContext(nats));
    }
}
