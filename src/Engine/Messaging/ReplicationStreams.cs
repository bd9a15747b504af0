using HarmonyLite.Engine.Configuration;
using HarmonyLite.Nats.JetStream;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// Creates the shard streams on first use and checks existing ones against the configuration:
/// file storage, <c>max_entries</c> messages kept (oldest discarded), <c>replicas</c> copies clamped,
/// with a warning, to what the cluster can hold.
/// </summary>
public sealed class ReplicationStreams
{
    /// <summary>How long stream creation waits for a forming cluster to have room for every configured replica before using fewer.</summary>
    public static readonly TimeSpan PeerJoinGracePeriod = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PeerJoinRetryInterval = TimeSpan.FromMilliseconds(500);

    private readonly JetStreamContext _jetStream;
    private readonly ReplicationTopology _topology;
    private readonly ReplicationLogConfig _log;
    private readonly ILogger _logger;
    // The shards after the first start at the count that fitted, so an undersized cluster does not wait once per shard.
    private int _replicasThatFit;

    public ReplicationStreams(JetStreamContext jetStream, ReplicationTopology topology, ReplicationLogConfig log, ILogger logger)
    {
        _jetStream = jetStream;
        _topology = topology;
        _log = log;
        _logger = logger;
        _replicasThatFit = log.Replicas;
    }

    /// <summary>The configuration every shard stream should have.</summary>
    public StreamConfig Desired(int shard, int replicas) => new()
    {
        Name = _topology.StreamName(shard),
        Subjects = [_topology.SubjectName(shard)],
        Retention = RetentionPolicy.Limits,
        Discard = DiscardPolicy.Old,
        MaxMessages = _log.MaxEntries,
        Storage = StorageType.File,
        Replicas = replicas,
        AllowDirect = true,
        DenyDelete = true,
    };

    /// <summary>Makes sure every shard stream exists; returns their current information.</summary>
    public async Task<IReadOnlyList<StreamInfo>> EnsureAsync(CancellationToken cancellationToken)
    {
        var result = new List<StreamInfo>();
        foreach (var shard in _topology.ShardNumbers)
            result.Add(await JetStreamStartup.AskUntilAnsweredAsync($"Stream {_topology.StreamName(shard)}", _logger,
                () => EnsureAsync(shard, cancellationToken), cancellationToken).ConfigureAwait(false));
        return result;
    }

    private async Task<StreamInfo> EnsureAsync(int shard, CancellationToken cancellationToken)
    {
        var name = _topology.StreamName(shard);
        StreamInfo existing;
        try
        {
            existing = await _jetStream.GetStreamInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            return await CreateAsync(shard, cancellationToken).ConfigureAwait(false);
        }

        var differences = Differences(existing.Config, Desired(shard, _log.Replicas));
        if (differences.Count == 0) return existing;
        if (!_log.UpdateExisting)
        {
            _logger.LogWarning("Stream {Stream} differs from the configuration ({Differences}); set replication_log.update_existing = true to update it", name, string.Join(", ", differences));
            return existing;
        }
        _logger.LogWarning("Updating stream {Stream}: {Differences}", name, string.Join(", ", differences));
        return await WithReplicasClampedAsync(shard, config => _jetStream.UpdateStreamAsync(config, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private Task<StreamInfo> CreateAsync(int shard, CancellationToken cancellationToken) =>
        WithReplicasClampedAsync(shard, async config =>
        {
            try
            {
                var info = await _jetStream.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Created stream {Stream} (subject {Subject}, {MaxEntries} messages kept, {Replicas} replicas)", config.Name, config.Subjects![0], config.MaxMessages, config.Replicas);
                return info;
            }
            catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNameInUse)
            {
                // Another node created it at the same moment.
                return await _jetStream.GetStreamInfoAsync(config.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);

    private async Task<StreamInfo> WithReplicasClampedAsync(int shard, Func<StreamConfig, Task<StreamInfo>> apply, CancellationToken cancellationToken)
    {
        var waitingSince = DateTime.UtcNow;
        for (var replicas = _replicasThatFit; ; )
        {
            try
            {
                var info = await apply(Desired(shard, replicas)).ConfigureAwait(false);
                _replicasThatFit = replicas;
                return info;
            }
            catch (JetStreamApiException ex) when (replicas > 1 && IsNotEnoughServers(ex))
            {
                // Servers of a cluster that is still forming join the JetStream group a moment after it answers: wait for them
                // before settling for fewer copies, or every node started together ends up with a stream of one or two copies.
                if (ex.ErrorCode != JetStreamErrorCode.StreamReplicasNotSupported && replicas == _log.Replicas && DateTime.UtcNow - waitingSince < PeerJoinGracePeriod)
                {
                    _logger.LogDebug("Stream {Stream}: {Replicas} replicas do not fit yet ({Reason}); waiting for more servers to join", _topology.StreamName(shard), replicas, ex.Description);
                    await Task.Delay(PeerJoinRetryInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                _logger.LogWarning("Stream {Stream}: {Replicas} replicas do not fit this NATS cluster ({Reason}); trying {Fewer}", _topology.StreamName(shard), replicas, ex.Description, replicas - 1);
                replicas--;
            }
        }
    }

    private static bool IsNotEnoughServers(JetStreamApiException ex) =>
        ex.ErrorCode is JetStreamErrorCode.StreamReplicasNotSupported or JetStreamErrorCode.InsufficientResources or JetStreamErrorCode.ClusterNoPeers;

    private static List<string> Differences(StreamConfig actual, StreamConfig desired)
    {
        var list = new List<string>();
        if (!(actual.Subjects ?? []).SequenceEqual(desired.Subjects ?? [])) list.Add($"subjects {string.Join(",", actual.Subjects ?? [])} -> {string.Join(",", desired.Subjects ?? [])}");
        if (actual.MaxMessages != desired.MaxMessages) list.Add($"max_entries {actual.MaxMessages} -> {desired.MaxMessages}");
        if (actual.Replicas != desired.Replicas) list.Add($"replicas {actual.Replicas} -> {desired.Replicas}");
        if (actual.Storage != desired.Storage) list.Add($"storage {actual.Storage} -> {desired.Storage}");
        if (actual.Discard != desired.Discard) list.Add($"discard {actual.Discard} -> {desired.Discard}");
        if (actual.Retention != desired.Retention) list.Add($"retention {actual.Retention} -> {desired.Retention}");
        return list;
    }
}
