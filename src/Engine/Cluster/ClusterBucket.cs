using System.Globalization;
using System.Text.Json;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// The key-value bucket <c>&lt;stream_prefix&gt;-nodes</c> where every node keeps its <see cref="NodeEntry"/> under its
/// node id, with as many copies as the streams (replication_log.replicas).
/// </summary>
public sealed class ClusterBucket
{
    /// <summary>How often a node rewrites its entry when nothing changed.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(3);

    /// <summary>A node whose heartbeat is older than this (3 heartbeats) is stale: stopped, frozen or cut off.</summary>
    public static readonly TimeSpan StaleAfter = 3 * HeartbeatInterval;

    // Entries of nodes gone for good leave the bucket by themselves; live nodes rewrite theirs long before.
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromHours(24);

    private readonly KeyValueBucket _bucket;

    private ClusterBucket(KeyValueBucket bucket) => _bucket = bucket;

    public string Name => _bucket.Name;

    public static string NameFor(HarmonyConfig config) => config.Nats.StreamPrefix + "-nodes";

    public static async Task<ClusterBucket> OpenAsync(MessagingConnection connection, HarmonyConfig config, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = new KeyValueBucketSettings(NameFor(config), "HarmonyLite node states", config.ReplicationLog.Replicas,
            "replication_log.replicas", EntryLifetime);
        return new ClusterBucket(await connection.OpenKeyValueBucketAsync(settings, logger, cancellationToken).ConfigureAwait(false));
    }

    public Task WriteAsync(NodeEntry entry, CancellationToken cancellationToken) =>
        _bucket.PutAsync(Key(entry.NodeId), JsonSerializer.SerializeToUtf8Bytes(entry, ClusterJsonContext.Default.NodeEntry), cancellationToken);

    /// <summary>Every node's entry; one that cannot be read (written by a newer build, damaged) is left out.</summary>
    public async Task<IReadOnlyList<NodeEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var entries = new List<NodeEntry>();
        foreach (var stored in await _bucket.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (JsonSerializer.Deserialize(stored.Value.Span, ClusterJsonContext.Default.NodeEntry) is { } entry) entries.Add(entry);
            }
            catch (JsonException)
            {
            }
        }
        return entries.OrderBy(e => e.Id).ToList();
    }

    private static string Key(long nodeId) => unchecked((ulong)nodeId).ToString(CultureInfo.InvariantCulture);
}
