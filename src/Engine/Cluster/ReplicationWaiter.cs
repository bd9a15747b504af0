using System.Diagnostics;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Node;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// Waits until every live node has applied everything published up to the moment the wait began. First the given
/// node's committed changes must be published (so "write, then wait" has no race), then each node's entry in the
/// cluster bucket must show it applied every shard up to the stream's last sequence at that point. Needs only NATS.
/// </summary>
public static class ReplicationWaiter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <param name="timeoutName">The timeout as the user gave it (a parameter or flag), for the error.</param>
    /// <exception cref="ReplicationTimeoutException">Some node was still behind after <paramref name="timeout"/>.</exception>
    /// <exception cref="ReplicationWaitException">The node of <paramref name="config"/> is not running.</exception>
    public static async Task<ReplicationResult> WaitAsync(HarmonyConfig config, TimeSpan timeout, string timeoutName, Action<ReplicationProgress>? progress,
        CancellationToken cancellationToken)
    {
        await using var nats = await MessagingConnector.ConnectToNodeAsync(config, null, cancellationToken).ConfigureAwait(false);
        return await WaitAsync(nats, config, timeout, timeoutName, progress, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ReplicationResult> WaitAsync(MessagingConnection nats, HarmonyConfig config, TimeSpan timeout, string timeoutName,
        Action<ReplicationProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var bucket = await ClusterBucket.OpenAsync(nats, config, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        var log = nats.OpenReplicationLog(ReplicationTopology.From(config), config.ReplicationLog, NullLogger.Instance);
        var nodeId = unchecked((ulong)config.NodeId);

        // The nodes live now are the ones waited for, even if one stops answering later: that one is behind.
        var status = await ClusterStatusReader.ReadAsync(bucket, log, cancellationToken).ConfigureAwait(false);
        var own = status.Nodes.FirstOrDefault(n => n.NodeId == nodeId);
        if (own is null || !own.IsLive)
            throw new ReplicationWaitException($"Node {nodeId} (node_id of {config.DbPath}) is not running: "
                + (own is null ? $"it has no entry in the key-value bucket {bucket.Name}"
                    : own.IsStale ? $"its entry in {bucket.Name} has had no heartbeat for {own.HeartbeatAge.TotalSeconds:0} s"
                    : $"its entry says {own.State.ToString().ToLowerInvariant()}")
                + ". Start the node, then wait again.");
        var waited = status.Nodes.Where(n => n.IsLive && n.Entry.Replicate).Select(n => n.NodeId).ToList();

        var lastChange = await ReadLastChangeAsync(config, cancellationToken).ConfigureAwait(false);
        while (own.Entry.PublishedChange < lastChange)
        {
            progress?.Invoke(new ReplicationProgress(true, 0, waited.Count, 0));
            if (clock.Elapsed >= timeout)
                throw new ReplicationTimeoutException(
                    $"Node {nodeId} did not publish its {lastChange - own.Entry.PublishedChange} committed change(s) within "
                    + $"{timeoutName} {timeout.TotalSeconds:0.#} s; see its log for why publishing stalls.", []);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            own = (await TryReadAsync(bucket, log, cancellationToken).ConfigureAwait(false))?.Nodes.FirstOrDefault(n => n.NodeId == nodeId) ?? own;
        }

        var targets = (await log.ReadRangesAsync(cancellationToken).ConfigureAwait(false))
            .Select((range, i) => new ReplicatedShard(i + 1, range.Stream, range.LastSequence)).ToList();
        var stopped = new List<ulong>();
        IReadOnlyList<ClusterNodeStatus> nodes = status.Nodes;
        while (true)
        {
            nodes = (await TryReadAsync(bucket, log, cancellationToken).ConfigureAwait(false))?.Nodes ?? nodes;
            var behind = new List<NodeBehind>();
            foreach (var id in waited.Except(stopped).ToList())
            {
                var node = nodes.FirstOrDefault(n => n.NodeId == id);
                // A node that stopped cleanly applies nothing more; waiting for it cannot succeed.
                if (node?.State is NodeState.Stopped)
                {
                    stopped.Add(id);
                    continue;
                }
                var lag = targets.Where(t => (node?.Entry.AppliedSequence(t.Stream) ?? 0) < t.Sequence)
                    .ToDictionary(t => t.Stream, t => t.Sequence - (node?.Entry.AppliedSequence(t.Stream) ?? 0), StringComparer.Ordinal);
                if (lag.Count > 0) behind.Add(new NodeBehind(id, node?.Host ?? "?", lag, node?.HeartbeatAge ?? TimeSpan.MaxValue));
            }
            var count = waited.Count - stopped.Count;
            var messages = behind.SelectMany(b => b.Behind.Values).Aggregate(0UL, (sum, lag) => sum + lag);
            progress?.Invoke(new ReplicationProgress(false, count - behind.Count, count, messages));
            if (behind.Count == 0) return new ReplicationResult(waited.Except(stopped).ToList(), targets, stopped, clock.Elapsed);
            if (clock.Elapsed >= timeout)
                throw new ReplicationTimeoutException($"Not every node applied what was published up to the start of the wait within {timeoutName} "
                    + $"{timeout.TotalSeconds:0.#} s: " + string.Join("; ", behind.Select(b => b.Description)) + ".", behind);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    // While a server of the cluster is replaced (a leader elected anew) a read can time out: the wait goes on with what it saw last.
    private static async Task<ClusterStatus?> TryReadAsync(ClusterBucket bucket, ReplicationLog log, CancellationToken cancellationToken)
    {
        try
        {
            return await ClusterStatusReader.ReadAsync(bucket, log, cancellationToken).ConfigureAwait(false);
        }
        catch (MessagingException)
        {
            return null;
        }
    }

    private static async Task<long> ReadLastChangeAsync(HarmonyConfig config, CancellationToken cancellationToken)
    {
        if (!File.Exists(config.DbPath)) throw new FileNotFoundException($"The database {config.DbPath} (db_path) does not exist.", config.DbPath);
        await using var reader = await ChangeReader.OpenAsync(config.DbPath, config.NodeId, null, cancellationToken).ConfigureAwait(false);
        return await reader.ReadLastChangeAsync(cancellationToken).ConfigureAwait(false);
    }
}
