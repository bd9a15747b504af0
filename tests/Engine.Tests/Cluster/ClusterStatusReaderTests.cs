using System.Text.Json;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Node;
using Xunit;

namespace HarmonyLite.Engine.Tests.Cluster;

/// <summary>Lag, staleness and schema differences computed from node entries, and the entry's JSON.</summary>
public sealed class ClusterStatusReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
    private static readonly StreamRange[] Ranges = [new("s-1", 1, 40), new("s-2", 1, 10)];

    private static NodeEntry Entry(long id, ulong applied1 = 40, ulong applied2 = 10, TimeSpan? age = null, NodeState state = NodeState.Running,
        IReadOnlyDictionary<string, string>? tables = null) =>
        new(id, "1.0", $"host-{id}", Now.AddHours(-1), state, true, [new(1, "s-1", 0, applied1), new(2, "s-2", 0, applied2)], 0, 0, 0,
            tables ?? new Dictionary<string, string> { ["books"] = "aaaa" }, Now - (age ?? TimeSpan.FromSeconds(1)), null);

    [Fact]
    public void Lag_is_per_shard_what_the_stream_holds_beyond_what_the_node_applied()
    {
        var status = ClusterStatusReader.Build("b", [Entry(1), Entry(2, applied1: 35, applied2: 0)], Ranges, Now);
        Assert.Equal([0UL, 0UL], status.Nodes[0].Shards.Select(s => s.Lag));
        Assert.Equal([5UL, 10UL], status.Nodes[1].Shards.Select(s => s.Lag));
        Assert.Equal(15UL, status.Nodes[1].Lag);
    }

    [Fact]
    public void A_node_is_stale_once_its_heartbeat_is_older_than_three_heartbeats()
    {
        var status = ClusterStatusReader.Build("b", [Entry(1, age: ClusterBucket.StaleAfter), Entry(2, age: ClusterBucket.StaleAfter + TimeSpan.FromSeconds(1))], Ranges, Now);
        Assert.False(status.Nodes[0].IsStale);
        Assert.True(status.Nodes[1].IsStale);
        Assert.False(status.Nodes[1].IsLive);
    }

    [Fact]
    public void The_schema_most_live_nodes_have_is_the_common_one_and_every_other_node_differs()
    {
        var status = ClusterStatusReader.Build("b", [
            Entry(1, tables: new Dictionary<string, string> { ["books"] = "bbbb" }),
            Entry(2),
            Entry(3),
            Entry(4, tables: new Dictionary<string, string>()),
            // Stale and stopped nodes do not take part: they may catch up later.
            Entry(5, age: TimeSpan.FromMinutes(5), tables: new Dictionary<string, string> { ["books"] = "cccc" }),
            Entry(6, state: NodeState.Stopped, tables: new Dictionary<string, string> { ["books"] = "cccc" }),
        ], Ranges, Now);

        Assert.Equal([(1UL, "bbbb"), (4UL, (string?)null)], status.SchemaDifferences.Select(d => (d.NodeId, d.SchemaHash)));
        Assert.All(status.SchemaDifferences, d => Assert.Equal(("books", "aaaa"), (d.Table, d.CommonSchemaHash)));
        Assert.All(status.SchemaDifferences, d => Assert.Equal([2UL, 3UL], d.CommonNodes));
        Assert.Equal(["books"], status.Nodes[0].SchemaDiffers);
        Assert.Empty(status.Nodes[1].SchemaDiffers);
        Assert.Contains("books on node 4 is not replicated, node(s) 2, 3 have aaaa", status.SchemaDifferences[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_facts_give_per_shard_the_greatest_lag_of_a_live_node_and_the_live_nodes_behind()
    {
        var status = ClusterStatusReader.Build("b", [
            Entry(1),
            Entry(2, applied1: 35, tables: new Dictionary<string, string> { ["books"] = "bbbb" }),
            Entry(3, applied1: 38, applied2: 9),
            // Neither stale nor stopped nodes count as behind: nobody waits for them.
            Entry(4, applied1: 0, applied2: 0, age: TimeSpan.FromMinutes(1)),
            Entry(5, applied1: 0, applied2: 0, state: NodeState.Stopped),
        ], Ranges, Now);

        var facts = ClusterFacts.From(status);

        Assert.Equal([1UL, 2UL, 3UL], facts.LiveNodes);
        Assert.Equal([4UL], facts.StaleNodes);
        Assert.Equal(["books"], facts.SchemaDiffers);
        Assert.Equal(5UL, facts.Shard("s-1").ClusterLag);
        Assert.Equal([2UL, 3UL], facts.Shard("s-1").NodesBehind);
        Assert.Equal(1UL, facts.Shard("s-2").ClusterLag);
        Assert.Equal([3UL], facts.Shard("s-2").NodesBehind);
        Assert.Equal((0UL, 0), (facts.Shard("elsewhere").ClusterLag, facts.Shard("elsewhere").NodesBehind.Count));
        var json = JsonSerializer.Serialize(facts);
        Assert.Equal("{\"live_nodes\":[1,2,3],\"stale_nodes\":[4],\"schema_differs\":[\"books\"]}", json);
    }

    [Fact]
    public void An_entry_reads_back_as_it_was_written_with_snake_case_names_and_state_names()
    {
        var entry = Entry(7);
        var json = JsonSerializer.SerializeToUtf8Bytes(entry, ClusterJsonContext.Default.NodeEntry);
        var text = System.Text.Encoding.UTF8.GetString(json);
        Assert.Contains("\"state\": \"Running\"", text, StringComparison.Ordinal);
        Assert.Contains("\"table_schemas\"", text, StringComparison.Ordinal);
        var read = JsonSerializer.Deserialize(json, ClusterJsonContext.Default.NodeEntry)!;
        Assert.Equal((entry.NodeId, entry.Heartbeat, entry.State), (read.NodeId, read.Heartbeat, read.State));
        Assert.Equal(entry.Shards, read.Shards);
        Assert.Equal(entry.TableSchemas, read.TableSchemas);
    }
}
