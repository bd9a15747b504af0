using System.Reflection;
using System.Text.Json.Serialization;
using HarmonyLite.Engine.Cluster;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// What the health endpoint answers: Go HarmonyLite's fields, then ours (the node's state, why it is unhealthy, per-shard
/// progress, the quarantine, the snapshot lease, the cluster bucket's facts). Healthy means: running, its database opens, NATS is connected and
/// every watched table captures its writes.
/// </summary>
public sealed record HealthReport
{
    /// <summary>The version of the engine, as Go's report gives its own.</summary>
    public static readonly string EngineVersion =
        typeof(HealthReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HealthReport).Assembly.GetName().Version?.ToString() ?? "unknown";

    [JsonPropertyName("status")] public string Status => IsHealthy ? "healthy" : "unhealthy";
    [JsonPropertyName("node_id")] public required ulong NodeId { get; init; }
    [JsonPropertyName("uptime_seconds")] public required long UptimeSeconds { get; init; }
    [JsonPropertyName("db_connected")] public required bool DbConnected { get; init; }
    [JsonPropertyName("nats_connected")] public required bool NatsConnected { get; init; }
    [JsonPropertyName("cdc_installed")] public required bool CdcInstalled { get; init; }
    [JsonPropertyName("tables_tracked")] public required int TablesTracked { get; init; }
    [JsonPropertyName("last_replicated_event_timestamp")] public DateTimeOffset? LastReplicatedEvent { get; init; }
    [JsonPropertyName("last_published_event_timestamp")] public DateTimeOffset? LastPublishedEvent { get; init; }
    [JsonPropertyName("version")] public string Version { get; init; } = EngineVersion;

    /// <summary>starting, restoring, running, stopping, stopped, faulted.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }

    /// <summary>Why the node is unhealthy, one sentence a problem; empty when healthy.</summary>
    [JsonPropertyName("problems")] public required IReadOnlyList<string> Problems { get; init; }

    [JsonPropertyName("shards")] public required IReadOnlyList<ShardHealth> Shards { get; init; }
    [JsonPropertyName("quarantined_messages")] public required long QuarantinedMessages { get; init; }

    /// <summary>The node holding the snapshot lease now; null when none does, or snapshots are off.</summary>
    [JsonPropertyName("snapshot_lease_holder")] public ulong? SnapshotLeaseHolder { get; init; }

    /// <summary>
    /// The cluster as the cluster bucket shows it (live and stale nodes, tables whose schema differs); null when it
    /// could not be read. News, not health: it never makes the node unhealthy.
    /// </summary>
    [JsonPropertyName("cluster")] public ClusterFacts? Cluster { get; init; }

    [JsonIgnore] public bool IsHealthy => Problems.Count == 0;
}
