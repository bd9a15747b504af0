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
    private readonly JetStreamContext _jetStream;
    private readonly ReplicationTopology _topology;
    private readonly ReplicationLogConfig _log;
    private readonly ILogger _logger;

    public ReplicationStreams(JetStreamContext jetStream, ReplicationTopology topology, ReplicationLogConfig log, ILogger logger)
    {
        _jetStream = jetStream;
        _topology = topology;
        _log = log;
        _logger = logger;
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
            result.Add(await EnsureAsync(shard, cancellationToken).ConfigureAwait(false));
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
        return await WithReplicasClampedAsync(shard, config => _jetStream.UpdateStreamAsync(config, cancellationToken)).ConfigureAwait(false);
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
        });

    private async Task<StreamInfo> WithReplicasClampedAsync(int shard, Func<StreamConfig, Task<StreamInfo>> apply)
    {
        for (var replicas = _log.Replicas; ; replicas--)
        {
            try
            {
                return await apply(Desired(shard, replicas)).ConfigureAwait(false);
            }
            catch (JetStreamApiException ex) when (replicas > 1 && IsNotEnoughServers(ex))
            {
                _logger.LogWarning("Stream {Stream}: {Replicas} replicas do not fit this NATS cluster ({Reason}); trying {Fewer}", _topology.StreamName(shard), replicas, ex.Description, replicas - 1);
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
