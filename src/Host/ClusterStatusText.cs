using System.Globalization;
using System.Text;
using HarmonyLite.Engine.Cluster;

namespace HarmonyLite.Host;

/// <summary><c>-cluster-status</c> for people: a line per node, then the schema differences.</summary>
public static class ClusterStatusText
{
    public static string Format(ClusterStatus status)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{status.Nodes.Count} node(s) in {status.Bucket}");
        foreach (var node in status.Nodes)
        {
            var shards = string.Join(" ", node.Shards.Select(s => $"{s.Stream}:{s.Applied}/{s.LastSequence}"));
            var line = string.Create(culture, $"  node {node.NodeId} {node.State.ToString().ToLowerInvariant()}{(node.IsStale ? " STALE" : "")} on {node.Host}"
                + $" (v{node.Version}), heartbeat {node.HeartbeatAge.TotalSeconds:0.0} s ago, lag {node.Lag} [{shards}],")
                + $" pending {node.Entry.PendingChanges}, quarantined {node.Entry.QuarantinedMessages}"
                + (node.SchemaDiffers.Count > 0 ? $", schema differs: {string.Join(", ", node.SchemaDiffers)}" : "");
            text.AppendLine(line);
        }
        if (status.SchemaDifferences.Count > 0)
        {
            text.AppendLine("Schema differences:");
            foreach (var difference in status.SchemaDifferences) text.AppendLine(culture, $"  {difference.Description}");
        }
        return text.ToString();
    }
}
