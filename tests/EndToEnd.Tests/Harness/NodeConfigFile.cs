using System.Globalization;
using System.Text;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// The <c>node.toml</c> a test node runs with: its database, its id, an embedded nats-server on a free loopback port
/// (or the external servers it is given), snapshots off, a short polling interval, and streams that keep every message
/// of a test so a restarted node never needs a snapshot to catch up (unless its <see cref="NodeSettings"/> say otherwise).
/// </summary>
public static class NodeConfigFile
{
    public const long MaxEntries = 1_000_000;

    public static string Render(int nodeId, string databasePath, NodeSettings settings)
    {
        var toml = new StringBuilder()
            .AppendLine("# Written by the end-to-end test harness.")
            .AppendLine($"db_path = {Quote(databasePath)}")
            .AppendLine($"node_id = {nodeId.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine($"seq_map_path = {Quote("")}")
            .AppendLine($"publish = {Bool(settings.Publish)}")
            .AppendLine($"replicate = {Bool(settings.Replicate)}")
            .AppendLine("polling_interval = 250")
            .AppendLine($"cleanup_interval = {Milliseconds(settings.CleanupInterval)}")
            .AppendLine(settings.TombstoneRetention is { } retention ? $"tombstone_retention_seconds = {(long)retention.TotalSeconds}" : "")
            .AppendLine()
            .AppendLine("[replication_log]")
            .AppendLine("shards = 1")
            .AppendLine($"replicas = {settings.Replicas.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine($"max_entries = {settings.MaxEntries.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine("compress = true")
            .AppendLine()
            .AppendLine((settings.SnapshotToml ?? "[snapshot]\nenabled = false").Trim())
            .AppendLine()
            .AppendLine("[nats]")
            .AppendLine($"bind_address = {Quote(settings.NatsBindAddress)}")
            .AppendLine($"urls = [{string.Join(", ", settings.NatsUrls.Select(Quote))}]")
            .AppendLine($"connect_retries = {settings.ConnectRetries.ToString(CultureInfo.InvariantCulture)}")
            .AppendLine("reconnect_wait_seconds = 1")
            .AppendLine()
            .AppendLine("[logging]")
            .AppendLine($"verbose = {Bool(settings.Verbose)}")
            .AppendLine()
            .AppendLine(settings.ExtraToml);
        return toml.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
