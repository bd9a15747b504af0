using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Engine.Cluster;

/// <summary>Reads the cluster bucket and the streams' ends into a <see cref="ClusterStatus"/>.</summary>
public static class ClusterStatusReader
{
    /// <summary>Over the NATS a node's configuration names (<c>nats.urls</c>, or its embedded server at a fixed <c>nats.bind_address</c>).</summary>
    /// <exception cref="MessagingException">The node's NATS cannot be found or reached.</exception>
    public static async Task<ClusterStatus> ReadAsync(HarmonyConfig config, CancellationToken cancellationToken)
    {
        await using var nats = await MessagingConnector.ConnectToNodeAsync(config, null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(nats, config, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ClusterStatus> ReadAsync(MessagingConnection nats, HarmonyConfig config, CancellationToken cancellationToken)
    {
        var bucket = await ClusterBucket.OpenAsync(nats, config, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        var log = nats.OpenReplicationLog(ReplicationTopology.From(config), config.ReplicationLog, NullLogger.Instance);
        return await ReadAsync(bucket, log, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<ClusterStatus> ReadAsync(ClusterBucket bucket, ReplicationLog log, CancellationToken cancellationToken)
    {
        var entries = await bucket.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var ranges = await log.ReadRangesAsync(cancellationToken).ConfigureAwait(false);
        return Build(bucket.Name, entries, ranges, DateTimeOffset.UtcNow);
    }

    /// <summary>Against stream ranges the caller just read (the health report has them): one bucket read, no stream reads.</summary>
    internal static async Task<ClusterStatus> ReadAsync(ClusterBucket bucket, IReadOnlyList<StreamRange> ranges, CancellationToken cancellationToken)
    {
        var entries = await bucket.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        return Build(bucket.Name, entries, ranges, DateTimeOffset.UtcNow);
    }

    /// <summary>The status of <paramref name="entries"/> at <paramref name="now"/>, against the streams' <paramref name="ranges"/> (shard 1 first).</summary>
    internal static ClusterStatus Build(string bucket, IReadOnlyList<NodeEntry> entries, IReadOnlyList<StreamRange> ranges, DateTimeOffset now)
    {
        var nodes = entries.Select(entry => new ClusterNodeStatus(entry, Max(TimeSpan.Zero, now - entry.Heartbeat),
            ranges.Select((range, i) => Lag(entry, i + 1, range)).ToList(), [])).ToList();
        var differences = Differences(nodes.Where(n => n.IsLive).ToList());
        nodes = nodes.Select(n => n with
        {
            SchemaDifferences = differences.Where(d => d.NodeId == n.NodeId).ToList(),
        }).ToList();
        return new ClusterStatus(bucket, now, nodes, differences);
    }

    private static ShardLag Lag(NodeEntry entry, int shard, StreamRange range)
    {
        var position = entry.Shards.FirstOrDefault(s => s.Stream == range.Stream);
        return new ShardLag(shard, range.Stream, position?.Published ?? 0, position?.Applied ?? 0, range.LastSequence);
    }

    // Per table, the hash most live nodes have (a tie goes to the group with the lowest node id) is the common one;
    // every other node differs from it.
    private static List<SchemaDifference> Differences(IReadOnlyList<ClusterNodeStatus> live)
    {
        var differences = new List<SchemaDifference>();
        if (live.Count < 2) return differences;
        var tables = live.SelectMany(n => n.Entry.TableSchemas.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var groups = live.GroupBy(n => n.Entry.TableSchemas.GetValueOrDefault(table))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(n => n.NodeId)).ToList();
            if (groups.Count < 2) continue;
            var common = groups[0];
            var commonNodes = common.Select(n => n.NodeId).Order().ToList();
            foreach (var node in groups.Skip(1).SelectMany(g => g))
                differences.Add(new SchemaDifference(table, node.NodeId, node.Entry.TableSchemas.GetValueOrDefault(table), common.Key, commonNodes));
        }
        return differences;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
