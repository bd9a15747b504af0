using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Engine.Capture;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Consuming;

/// <summary>
/// Applies one shard stream to the local database, in stream order: each message in one SQLite
/// transaction that also records its stream position, acknowledged only after the commit. A message
/// at or below the recorded position is acknowledged without applying (it was applied before a crash).
/// A message that cannot be decoded or applied is retried with backoff, then quarantined with its
/// error so the rest of the stream keeps flowing. A message past one never applied goes to
/// <see cref="StreamGapRecovery"/> first when the stream dropped the ones between (its first sequence is past them);
/// while the stream still holds them they were lost on the way (a server restart, a reconnect), and the consumer is
/// recreated from the applied position.
/// </summary>
public sealed class ShardConsumer
{
    /// <summary>Attempts before a message is quarantined; busy-database errors are retried without limit.</summary>
    public const int MaxAttempts = 5;

    /// <summary>How long a consumer may receive nothing while the stream holds unapplied messages before it is recreated.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan StallCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Times the consumer is recreated at one position for messages lost on the way before they count as gone.</summary>
    private const int MaxReopensAtOnePosition = 3;

    private readonly ReplicationLog _log;
    private readonly ChangeApplier _applier;
    private readonly QuarantineStore _quarantine;
    private readonly StreamGapRecovery _gapRecovery;
    private readonly ChangeBatchDecoder _decoder = new();
    private readonly NodeCounters _counters;
    private readonly ILogger _logger;
    private readonly long _nodeId;
    private readonly string _ownBatchIdPrefix;
    private readonly Backoff _retryBackoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
    private readonly Backoff _restartBackoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    private ulong _appliedSequence;
    private long _lastActiveTicks;
    private bool _handling;
    private ulong _reopenedAt;
    private int _reopens;

    /// <param name="ownBatchIdPrefix">
    /// Batches whose id starts with this (<see cref="ChangeReader.ReadOwnBatchIdPrefixAsync"/>) were captured in this very
    /// database and are skipped; everything else is applied, including this node's batches from before a snapshot restore.
    /// </param>
    public ShardConsumer(long nodeId, string ownBatchIdPrefix, int shard, ReplicationLog log, ChangeApplier applier,
        QuarantineStore quarantine, StreamGapRecovery gapRecovery, NodeCounters counters, ILogger logger)
    {
        _nodeId = nodeId;
        _ownBatchIdPrefix = ownBatchIdPrefix;
        Shard = shard;
        Stream = log.Topology.StreamName(shard);
        _log = log;
        _applier = applier;
        _quarantine = quarantine;
        _gapRecovery = gapRecovery;
        _counters = counters;
        _logger = logger;
    }

    public int Shard { get; }
    public string Stream { get; }

    /// <summary>The durable consumer's name: one per node per stream.</summary>
    public string ConsumerName => $"harmonylite-node-{unchecked((ulong)_nodeId)}";

    /// <summary>The last stream sequence applied (or skipped) on this node.</summary>
    public ulong AppliedSequence => Interlocked.Read(ref _appliedSequence);

    /// <summary>The stored position, read once at start; call before <see cref="RunAsync"/>.</summary>
    public async Task LoadPositionAsync(CancellationToken cancellationToken)
    {
        var positions = await _applier.GetPositionsAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _appliedSequence, positions.TryGetValue(Stream, out var seq) ? seq : 0);
    }

    /// <summary>
    /// Consumes until <paramref name="stopping"/> is cancelled. A message being applied when it is
    /// cancelled is finished; <paramref name="aborting"/> cuts even that short.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken aborting)
    {
        for (var restart = 0; !stopping.IsCancellationRequested; restart++)
        {
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Task? watchdog = null;
            try
            {
                var feed = await OpenFeedAsync(stopping).ConfigureAwait(false);
                restart = 0;
                MarkActive();
                watchdog = CancelWhenStalledAsync(stalled);
                await foreach (var message in feed.ReadAllAsync(stalled.Token).ConfigureAwait(false))
                {
                    Volatile.Write(ref _handling, true);
                    bool goOn;
                    try
                    {
                        goOn = await HandleAsync(message, aborting).ConfigureAwait(false);
                    }
                    finally
                    {
                        Volatile.Write(ref _handling, false);
                        MarkActive();
                    }
                    if (stopping.IsCancellationRequested || !goOn) break;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (stalled.IsCancellationRequested)
            {
                _counters.Error($"Consuming {Stream} stalled below the stream's last message; the consumer was recreated");
                _logger.LogWarning("Consuming {Stream} received nothing for {Timeout} while the stream holds messages past #{Applied}; recreating the consumer from sequence {Next}",
                    Stream, StallTimeout, AppliedSequence, AppliedSequence + 1);
            }
            catch (MessagingException ex) when (!stopping.IsCancellationRequested)
            {
                _counters.Error($"Consuming {Stream} stopped: {ex.Message}");
                _logger.LogWarning("Consuming {Stream} stopped ({Error}); resuming from sequence {Next}", Stream, ex.Message, AppliedSequence + 1);
                try { await _restartBackoff.WaitAsync(restart, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
            finally
            {
                await stalled.CancelAsync().ConfigureAwait(false);
                if (watchdog is not null) await watchdog.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The last line of defence behind the client's heartbeat checks: a consumer that receives nothing for
    /// <see cref="StallTimeout"/> while the stream holds messages this node has not applied is recreated from the
    /// database's position, whatever the reason it stopped delivering.
    /// </summary>
    private async Task CancelWhenStalledAsync(CancellationTokenSource stalled)
    {
        try
        {
            while (true)
            {
                await Task.Delay(StallCheckInterval, stalled.Token).ConfigureAwait(false);
                if (Volatile.Read(ref _handling) || Environment.TickCount64 - Interlocked.Read(ref _lastActiveTicks) < (long)StallTimeout.TotalMilliseconds) continue;
                ulong last;
                try
                {
                    last = (await _log.ReadRangeAsync(Stream, stalled.Token).ConfigureAwait(false)).LastSequence;
                }
                catch (MessagingException)
                {
                    continue; // the cluster cannot say right now; ask again next round
                }
                if (last > AppliedSequence && !Volatile.Read(ref _handling))
                {
                    await stalled.CancelAsync().ConfigureAwait(false);
                    return;
                }
                MarkActive(); // nothing to deliver: idle, not stalled
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void MarkActive() => Interlocked.Exchange(ref _lastActiveTicks, Environment.TickCount64);

    // The durable consumer is recreated from the database's own position at every start: the position
    // committed with the data is the truth, whatever the consumer's ack floor says (a restored snapshot
    // may even move it backwards).
    private async Task<ShardFeed> OpenFeedAsync(CancellationToken cancellationToken)
    {
        var next = AppliedSequence + 1;
        var feed = await _log.OpenFeedAsync(Stream, ConsumerName, next, $"HarmonyLite node {unchecked((ulong)_nodeId)} applying {Stream}", cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Consuming {Stream} from sequence {Next}", Stream, next);
        return feed;
    }

    /// <returns>False when the consumer must be recreated from the applied position: messages were lost on the way.</returns>
    private async Task<bool> HandleAsync(ReplicationMessage message, CancellationToken cancellationToken)
    {
        var sequence = message.Sequence;
        if (sequence > AppliedSequence + 1)
        {
            if (await WereLostInDeliveryAsync(sequence, cancellationToken).ConfigureAwait(false)) return false;
            Advance(await _gapRecovery.RecoverAsync(Stream, AppliedSequence, sequence, _applier, cancellationToken).ConfigureAwait(false));
        }
        if (sequence <= AppliedSequence)
        {
            await message.AckAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        if (message.BatchId is { } batchId && batchId.StartsWith(_ownBatchIdPrefix, StringComparison.Ordinal))
        {
            await _applier.SkipAsync(Stream, sequence, cancellationToken).ConfigureAwait(false);
            Advance(sequence);
            await message.AckAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        var busyWaits = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var batch = _decoder.Decode(message.Data);
                if (batch.BatchId.StartsWith(_ownBatchIdPrefix, StringComparison.Ordinal))
                {
                    await _applier.SkipAsync(Stream, sequence, cancellationToken).ConfigureAwait(false);
                    break;
                }
                var result = await _applier.ApplyAsync(batch, Stream, sequence, cancellationToken).ConfigureAwait(false);
                if (result.Outcome == ApplyOutcome.Applied)
                {
                    _counters.Applied();
                    _logger.LogDebug("Applied {Stream} #{Sequence} from node {Node}: {Applied} changes, {Superseded} superseded by newer versions",
                        Stream, sequence, unchecked((ulong)batch.NodeId), result.AppliedChanges, result.SupersededChanges);
                }
                break;
            }
            catch (SqliteException ex) when (SqliteErrors.IsBusy(ex) && !cancellationToken.IsCancellationRequested)
            {
                // Another program holds the write lock: not the message's fault, wait as long as it takes.
                if (busyWaits == 0)
                    _logger.LogWarning("The database is busy (another program holds its write lock); applying {Stream} #{Sequence} resumes when it is free", Stream, sequence);
                await message.InProgressAsync(cancellationToken).ConfigureAwait(false);
                await _retryBackoff.WaitAsync(busyWaits++, cancellationToken).ConfigureAwait(false);
                attempt = 0;
            }
            catch (Exception ex) when (IsMessageProblem(ex) && attempt < MaxAttempts)
            {
                _logger.LogWarning("Applying {Stream} #{Sequence} failed (attempt {Attempt} of {Max}): {Error}", Stream, sequence, attempt, MaxAttempts, ex.Message);
                await message.InProgressAsync(cancellationToken).ConfigureAwait(false);
                await _retryBackoff.WaitAsync(attempt - 1, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsMessageProblem(ex))
            {
                // Quarantine first, then advance: a crash in between quarantines the message twice, never loses it.
                await _quarantine.AddAsync(Stream, sequence, message.Data, ex.Message, attempt, cancellationToken).ConfigureAwait(false);
                await _applier.SkipAsync(Stream, sequence, cancellationToken).ConfigureAwait(false);
                _counters.Error($"{Stream} #{sequence} quarantined: {ex.Message}");
                _logger.LogError("Quarantined {Stream} #{Sequence} after {Attempts} attempts: {Error}. Replication of the rest continues; the message is applied again after the next schema change (see Get-HarmonyQuarantine).", Stream, sequence, attempt, ex.Message);
                break;
            }
        }
        Advance(sequence);
        await message.AckAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Whether the messages between the applied position and <paramref name="delivered"/> are still in the stream, so
    /// that they were lost on the way (a server restart or a reconnect loses what was in flight) rather than dropped by
    /// the stream. Asked again from the same position a few times and still not delivered, they count as gone.
    /// </summary>
    private async Task<bool> WereLostInDeliveryAsync(ulong delivered, CancellationToken cancellationToken)
    {
        var applied = AppliedSequence;
        var range = await _log.ReadRangeAsync(Stream, cancellationToken).ConfigureAwait(false);
        if (range.FirstSequence > applied + 1) return false;
        _reopens = _reopenedAt == applied ? _reopens + 1 : 1;
        _reopenedAt = applied;
        if (_reopens > MaxReopensAtOnePosition) return false;
        _counters.Error($"{Stream} delivered #{delivered} after #{applied} while it holds #{applied + 1}; the consumer was recreated");
        _logger.LogWarning("{Stream} delivered #{Delivered} after #{Applied}, though the stream still holds messages {First} to {Last}: the ones between were lost on the way (a NATS server restart or a reconnect can do that). Consuming again from #{Next}",
            Stream, delivered, applied, range.FirstSequence, range.LastSequence, applied + 1);
        return true;
    }

    private void Advance(ulong sequence)
    {
        Interlocked.Exchange(ref _appliedSequence, sequence);
        _gapRecovery.Passed(Stream, sequence);
    }

    /// <summary>Errors that are the message's (or its schema's), not the connection's: retried, then quarantined.</summary>
    internal static bool IsMessageProblem(Exception ex) => ex is WireFormatException or ChangeApplyException or SqliteException;
}
