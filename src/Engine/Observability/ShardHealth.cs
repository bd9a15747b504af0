using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// One shard stream in the health report: how far this node applied it, and the cluster's view of it (the greatest lag
/// of a live node, the live nodes behind; null when the cluster bucket could not be read).
/// </summary>
public sealed record ShardHealth(
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("applied_sequence")] ulong AppliedSequence,
    [property: JsonPropertyName("last_sequence")] ulong LastSequence,
    [property: JsonPropertyName("lag")] ulong Lag,
    [property: JsonPropertyName("cluster_lag")] ulong? ClusterLag = null,
    [property: JsonPropertyName("nodes_behind")] IReadOnlyList<ulong>? NodesBehind = null);
