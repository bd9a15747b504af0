using System.Diagnostics;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Capture;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Consuming;

/// <summary>
/// Applies one shard stream to the local database, in stream order: each message in one SQLite
/// transaction that also records its stream position, acknowledged only after the commit. A message
/// at or below the recorded position is acknowledged without applying (it was applied before a crash).
/// A message that cannot be decoded or applied is quarantined with its error at once, so the rest of the
/// stream keeps flowing; a busy database is waited out. A message past one never applied goes to
/// <see cref="StreamGapRecovery"/> first when the stream dropped the ones between (its first sequence is past them);
/// while the stream still holds them they were lost on the way (a server restart, a reconnect), and the consumer is
/// recreated from the applied position.
/// </summary>
public sealed class ShardConsumer
{

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
    private readonly Backoff _restartBackoff = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    /// <summary>How long the stored position may lag behind messages passed over in memory.</summary>
    public static readonly TimeSpan PositionFlushInterval = TimeSpan.FromSeconds(1);

    private readonly OwnStreamSequences _ownSequences;
    // One user of the applier at a time: the message loop, and the watchdog's flush of the position when idle.
    private readonly SemaphoreSlim _applierGate = new(1, 1);
    private ulong _appliedSequence;
    private ulong _persistedSequence;
    private long _lastFlushTicks = Environment.TickCount64;
    private long _lastActiveTicks;
    private bool _handling;
    private ulong _reopenedAt;
    private int _reopens;

    /// <param name="ownSequences">
    /// The stream positions this node's publisher stored: those messages are passed over unread. Everything else is
    /// checked against the row versions, including this node's batches from before a restart or a snapshot restore.
    /// </param>
    public ShardConsumer(long nodeId, OwnStreamSequences ownSequences, int shard, ReplicationLog log, ChangeApplier applier,
        QuarantineStore quarantine, StreamGapRecovery gapRecovery, NodeCounters counters, ILogger logger)
    {
        _nodeId = nodeId;
        _ownSequences = ownSequences;
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
        _persistedSequence = AppliedSequence;
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
                        goOn = await HandleAsync(message, stopping, aborting).ConfigureAwait(false);
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
        try
        {
            await FlushPositionAsync(aborting).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || SqliteErrors.IsBusy(ex))
        {
            // Cut short: the messages passed over since the last flush are handed over again at the next start.
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
                await FlushWhenIdleAsync(stalled.Token).ConfigureAwait(false);
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

    /// <summary>Stores the position of messages passed over in memory once the stream went quiet.</summary>
    private async Task FlushWhenIdleAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _handling)) return;
        try
        {
            await FlushPositionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Storing the position of {Stream} failed: {Error}; it is stored with the next message", Stream, ex.Message);
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
    /// <param name="stopping">Ends a wait for a snapshot after dropped messages (see <see cref="StreamGapRecovery"/>).</param>
    private async Task<bool> HandleAsync(ReplicationMessage message, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var sequence = message.Sequence;
        await _applierGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (sequence > AppliedSequence + 1 && await WereLostInDeliveryAsync(sequence, cancellationToken).ConfigureAwait(false)) return false;
            if (sequence > AppliedSequence + 1)
            {
                var recovered = await _gapRecovery.RecoverAsync(Stream, AppliedSequence, sequence, _applier, stopping, cancellationToken).ConfigureAwait(false);
                await AdvanceAsync(recovered, cancellationToken).ConfigureAwait(false);
            }
            if (sequence > AppliedSequence) await ApplyAsync(message, sequence, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _applierGate.Release();
        }
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

    /// <summary>
    /// Applies one message, or sets it aside. Only messages this node can prove it published (its publisher recorded their
    /// stream positions) are passed over unread; a message that merely claims to come from this node is checked against
    /// the row versions like any other. Neither costs a write transaction when its changes are here already.
    /// </summary>
    private async Task ApplyAsync(ReplicationMessage message, ulong sequence, CancellationToken cancellationToken)
    {
        if (_ownSequences.Contains(Stream, sequence))
        {
            await AdvanceAsync(sequence, cancellationToken).ConfigureAwait(false);
            return;
        }
        ChangeBatch batch;
        try
        {
            batch = _decoder.Decode(message.Data);
        }
        catch (WireFormatException ex)
        {
            // Nothing can make these bytes decode: set them aside at once and go on with the rest.
            await QuarantineAsync(message, sequence, null, ex, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            if (batch.NodeId == _nodeId && await _applier.IsSupersededAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                await AdvanceAsync(sequence, cancellationToken).ConfigureAwait(false);
                return;
            }
            // Waits as long as an application holds the write lock: never the message's fault.
            var started = Stopwatch.GetTimestamp();
            var result = await _applier.ApplyAsync(batch, Stream, sequence, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == ApplyOutcome.Applied)
            {
                _counters.Applied(Stream, sequence, batch, result, Stopwatch.GetElapsedTime(started));
                _logger.LogDebug("Applied {Stream} #{Sequence} from node {Node}: {Applied} changes, {Superseded} superseded by newer versions",
                    Stream, sequence, unchecked((ulong)batch.NodeId), result.AppliedChanges, result.SupersededChanges);
            }
            MarkPersisted(sequence);
        }
        catch (Exception ex) when (IsMessageProblem(ex))
        {
            // A table or column this node lacks, a constraint, a version from a wrong clock: retried by the quarantine
            // retrier after schema changes and now and then, never ahead of the messages behind it.
            await QuarantineAsync(message, sequence, batch, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task QuarantineAsync(ReplicationMessage message, ulong sequence, ChangeBatch? batch, Exception error, CancellationToken cancellationToken)
    {
        // Quarantine first, then advance: a crash in between quarantines the message twice, never loses it.
        await _quarantine.AddAsync(Stream, sequence, message.Data, error.Message, 1, cancellationToken).ConfigureAwait(false);
        await _applier.SkipAsync(Stream, sequence, cancellationToken).ConfigureAwait(false);
        MarkPersisted(sequence);
        _counters.Quarantined(batch, $"{Stream} #{sequence} quarantined: {error.Message}");
        _logger.LogError("Quarantined {Stream} #{Sequence}: {Error} Replication of the rest continues; the message is applied again after the next schema change (see Get-HarmonyQuarantine).",
            Stream, sequence, error.Message);
    }

    /// <summary>
    /// Moves the position past messages whose changes are here already, in memory: the stored position follows at most
    /// <see cref="PositionFlushInterval"/> later (or with the next applied message), in one short write. A crash in
    /// between hands those messages over again, which then change nothing.
    /// </summary>
    private async Task AdvanceAsync(ulong sequence, CancellationToken cancellationToken)
    {
        Advance(sequence);
        if (Environment.TickCount64 - _lastFlushTicks >= (long)PositionFlushInterval.TotalMilliseconds)
            await FlushPositionCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the position reached in memory, when it is ahead of the stored one.</summary>
    public async Task FlushPositionAsync(CancellationToken cancellationToken)
    {
        await _applierGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushPositionCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _applierGate.Release();
        }
    }

    private async Task FlushPositionCoreAsync(CancellationToken cancellationToken)
    {
        _lastFlushTicks = Environment.TickCount64;
        var applied = AppliedSequence;
        if (applied <= _persistedSequence) return;
        await _applier.SkipAsync(Stream, applied, cancellationToken).ConfigureAwait(false);
        MarkPersisted(applied);
    }

    private void MarkPersisted(ulong sequence)
    {
        Advance(sequence);
        if (sequence > _persistedSequence) _persistedSequence = sequence;
    }

    private void Advance(ulong sequence)
    {
        if (sequence <= AppliedSequence) return;
        Interlocked.Exchange(ref _appliedSequence, sequence);
        _gapRecovery.Passed(Stream, sequence);
    }

    /// <summary>Errors that are the message's (or its schema's), not the connection's: quarantined. A busy database is not among them.</summary>
    internal static bool IsMessageProblem(Exception ex) => ex is WireFormatException or ChangeApplyException || ex is SqliteException && !SqliteErrors.IsBusy(ex);
}
