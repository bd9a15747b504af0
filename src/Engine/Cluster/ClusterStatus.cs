using System.Text.Json;

namespace HarmonyLite.Engine.Cluster;

/// <summary>Every node of the cluster at one moment, from the cluster bucket, and the schema differences among the live ones.</summary>
public sealed record ClusterStatus(string Bucket, DateTimeOffset ReadAt, IReadOnlyList<ClusterNodeStatus> Nodes, IReadOnlyList<SchemaDifference> SchemaDifferences)
{
    /// <summary>The status as indented JSON, snake_case names (what <c>harmonylite -cluster-status -json</c> prints).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ClusterJsonContext.Default.ClusterStatus);
}
