using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Node;
using Xunit;

namespace HarmonyLite.Host.Tests;

/// <summary>-cluster-status without -json: a line per node, then the schema differences.</summary>
public sealed class ClusterStatusTextTests
{
    [Fact]
    public void Each_node_gets_a_line_with_state_staleness_lag_and_differing_tables_then_the_differences()
    {
        var now = DateTimeOffset.UtcNow;
        NodeEntry Entry(long id) => new(id, "1.2", $"box-{id}", now, NodeState.Running, true, [new(1, "s-1", 0, 8)], 0, 2, 1,
            new Dictionary<string, string>(), now, null);
        var difference = new SchemaDifference("books", 2, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", [1]);
        var status = new ClusterStatus("hl-nodes", now, [
            new ClusterNodeStatus(Entry(1), TimeSpan.FromSeconds(1), [new ShardLag(1, "s-1", 0, 8, 10)], []),
            new ClusterNodeStatus(Entry(2), TimeSpan.FromSeconds(30), [new ShardLag(1, "s-1", 0, 10, 10)], [difference]),
        ], [difference]);

        var lines = ClusterStatusText.Format(status).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("2 node(s) in hl-nodes", lines[0]);
        Assert.Matches(@"^  node 1 running on box-1 \(v1\.2\), heartbeat 1\.0 s ago, lag 2 \[s-1:8/10\], pending 2, quarantined 1$", lines[1]);
        Assert.Matches(@"^  node 2 running STALE on box-2 .* lag 0 .* schema differs: books$", lines[2]);
        Assert.Equal("Schema differences:", lines[3]);
        Assert.Equal("  books on node 2 has schema bbbbbbbbbbbb, node(s) 1 have aaaaaaaaaaaa", lines[4]);
    }
}
