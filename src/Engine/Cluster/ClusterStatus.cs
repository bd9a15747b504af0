namespace HarmonyLite.Engine.Cluster;

/// <summary>Every node of the cluster at one moment, from the cluster bucket, and the schema differences among the live ones.</summary>
public sealed record ClusterStatus(string Bucket, DateTimeOffset ReadAt, IReadOnlyList<ClusterNodeStatus> Nodes, IReadOnlyList<SchemaDifference> SchemaDifferences);
