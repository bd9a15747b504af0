using System.Globalization;
using System.Text;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>
/// How one sidecar of a bench or campaign cluster is configured. Everything not named here keeps the sidecar's
/// default, as a user's <c>config.toml</c> would: only ids, loopback ports, the stream length (every message of a
/// run is kept, so no node needs a snapshot to catch up) and snapshots (off unless asked for) are set.
/// </summary>
public sealed record SidecarNodeSettings
{
    /// <summary><c>replication_log.replicas</c>: copies of each stream in the NATS cluster.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>replication_log.max_entries</c>.</summary>
    public long MaxEntries { get; init; } = 10_000_000;

    /// <summary>External NATS servers (<c>nats.urls</c>); empty runs the node's own embedded nats-server.</summary>
    public IReadOnlyList<string> NatsUrls { get; init; } = [];

    /// <summary>The <c>[snapshot]</c> table and its sub-tables as TOML; null turns snapshots off.</summary>
    public string? SnapshotToml { get; init; }

    /// <summary>The node.toml of node <paramref name="nodeId"/> replicating <paramref name="databasePath"/>.</summary>
    public string Render(int nodeId, string databasePath) => new StringBuilder()
        .AppendLine("# Written by the HarmonyLite bench (tests/Bench/Sidecars).")
        .AppendLine($"db_path = {Quote(databasePath)}")
        .AppendLine($"node_id = {nodeId.ToString(CultureInfo.InvariantCulture)}")
        .AppendLine($"seq_map_path = {Quote("")}")
        .AppendLine()
        .AppendLine("[replication_log]")
        .AppendLine($"replicas = {Replicas.ToString(CultureInfo.InvariantCulture)}")
        .AppendLine($"max_entries = {MaxEntries.ToString(CultureInfo.InvariantCulture)}")
        .AppendLine()
        .AppendLine((SnapshotToml ?? "[snapshot]\nenabled = false").Trim())
        .AppendLine()
        .AppendLine("[nats]")
        .AppendLine($"urls = [{string.Join(", ", NatsUrls.Select(Quote))}]")
        .AppendLine($"bind_address = {Quote("127.0.0.1:-1")}")
        .ToString();

    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
