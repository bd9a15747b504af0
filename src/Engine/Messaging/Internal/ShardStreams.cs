using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// Creates the shard streams on first use and checks existing ones against the configuration:
/// file storage, <c>max_entries</c> messages kept (oldest discarded), <c>replicas</c> copies clamped,
/// with a warning, to what the cluster can hold.
/// </summary>
internal sealed class ShardStreams
{
    /// <summary>How long stream creation waits for a forming cluster to have room for every configured replica before using fewer.</summary>
    public static readonly TimeSpan PeerJoinGracePeriod = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PeerJoinRetryInterval = TimeSpan.FromMilliseconds(500);

    private readonly NatsJSContext _jetStream;
    private readonly ReplicationTopology _topology;
    private readonly ReplicationLogConfig _log;
    private readonly ILogger _logger;
    // The shards after the first start at the count that fitted, so an undersized cluster does not wait once per shard.
    private int _replicasThatFit;

    public ShardStreams(NatsJSContext jetStream, ReplicationTopology topology, ReplicationLogConfig log, ILogger logger)
    {
        _jetStream = jetStream;
        _topology = topology;
        _log = log;
        _logger = logger;
        _replicasThatFit = log.Replicas;
    }

    /// <summary>The configuration every shard stream should have.</summary>
    public StreamConfig Desired(int shard, int replicas) => new(_topology.StreamName(shard), [_topology.SubjectName(shard)])
    {
        Retention = StreamConfigRetention.Limits,
        Discard = StreamConfigDiscard.Old,
        MaxMsgs = _log.MaxEntries,
        Storage = StreamConfigStorage.File,
        NumReplicas = replicas,
        AllowDirect = true,
        DenyDelete = true,
    };

    /// <summary>Makes sure the stream of <paramref name="shard"/> exists; returns its current state.</summary>
    public Task<StreamInfo> EnsureAsync(int shard, CancellationToken cancellationToken) =>
        JetStreamStartup.AskUntilAnsweredAsync($"Stream {_topology.StreamName(shard)}", _logger, () => EnsureOnceAsync(shard, cancellationToken), cancellationToken);

    private async Task<StreamInfo> EnsureOnceAsync(int shard, CancellationToken cancellationToken)
    {
        var name = _topology.StreamName(shard);
        StreamInfo existing;
        try
        {
            existing = (await _jetStream.GetStreamAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)).Info;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrorCodes.StreamNotFound)
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
        return await WithReplicasClampedAsync(shard, async config => (await _jetStream.UpdateStreamAsync(config, cancellationToken).ConfigureAwait(false)).Info, cancellationToken).ConfigureAwait(false);
    }

    private Task<StreamInfo> CreateAsync(int shard, CancellationToken cancellationToken) =>
        WithReplicasClampedAsync(shard, async config =>
        {
            try
            {
                var info = (await _jetStream.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false)).Info;
                _logger.LogInformation("Created stream {Stream} (subject {Subject}, {MaxEntries} messages kept, {Replicas} replicas)", config.Name, config.Subjects!.First(), config.MaxMsgs, config.NumReplicas);
                return info;
            }
            catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrorCodes.StreamNameInUse)
            {
                // Another node created it at the same moment.
                return (await _jetStream.GetStreamAsync(config.Name!, cancellationToken: cancellationToken).ConfigureAwait(false)).Info;
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
            catch (NatsJSApiException ex) when (replicas > 1 && IsNotEnoughServers(ex))
            {
                // Servers of a cluster that is still forming join the JetStream group a moment after it answers: wait for them
                // before settling for fewer copies, or every node started together ends up with a stream of one or two copies.
                if (ex.Error.ErrCode != JetStreamErrorCodes.StreamReplicasNotSupported && replicas == _log.Replicas && DateTime.UtcNow - waitingSince < PeerJoinGracePeriod)
                {
                    _logger.LogDebug("Stream {Stream}: {Replicas} replicas do not fit yet ({Reason}); waiting for more servers to join", _topology.StreamName(shard), replicas, ex.Error.Description);
                    await Task.Delay(PeerJoinRetryInterval, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                _logger.LogWarning("Stream {Stream}: {Replicas} replicas do not fit this NATS cluster ({Reason}); trying {Fewer}", _topology.StreamName(shard), replicas, ex.Error.Description, replicas - 1);
                replicas--;
            }
        }
    }

    private static bool IsNotEnoughServers(NatsJSApiException ex) =>
        ex.Error.ErrCode is JetStreamErrorCodes.StreamReplicasNotSupported or JetStreamErrorCodes.InsufficientResources or JetStreamErrorCodes.ClusterNoPeers;

    private static List<string> Differences(StreamConfig actual, StreamConfig desired)
    {
        var list = new List<string>();
        var (actualSubjects, desiredSubjects) = (actual.Subjects ?? [], desired.Subjects ?? []);
        if (!actualSubjects.SequenceEqual(desiredSubjects)) list.Add($"subjects {string.Join(",", actualSubjects)} -> {string.Join(",", desiredSubjects)}");
        if (actual.MaxMsgs != desired.MaxMsgs) list.Add($"max_entries {actual.MaxMsgs} -> {desired.MaxMsgs}");
        if (actual.NumReplicas != desired.NumReplicas) list.Add($"replicas {actual.NumReplicas} -> {desired.NumReplicas}");
        if (actual.Storage != desired.Storage) list.Add($"storage {actual.Storage} -> {desired.Storage}");
        if (actual.Discard != desired.Discard) list.Add($"discard {actual.Discard} -> {desired.Discard}");
        if (actual.Retention != desired.Retention) list.Add($"retention {actual.Retention} -> {desired.Retention}");
        return list;
    }
}
