using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Publishing;

/// <summary>
/// The publish side of a node: on every wake-up from the <see cref="DatabaseChangeWatcher"/> it picks
/// up schema changes, reads pending changes (whole transactions, in one read transaction), publishes
/// each batch to its shard stream with a deterministic <c>Nats-Msg-Id</c>, waits for the ack, and only
/// then marks the changes published. A crash anywhere republishes the same batch id, which JetStream
/// de-duplicates.
/// </summary>
public sealed class ChangePublisher
{
    private readonly ChangeReader _reader;
    private readonly CaptureInstaller _capture;
    private readonly ChangeBatchEncoder _encoder;
    private readonly ReplicationLog _log;
    private readonly ReplicationTopology _topology;
    private readonly DatabaseChangeWatcher _watcher;
    private readonly NodeCounters _counters;
    private readonly ILogger _logger;
    private readonly int _scanMaxChanges;

    /// <summary>Set while a group of changes too large for one message is published in parts, so it is reported once.</summary>
    private bool _publishingParts;
    private readonly TimeSpan _cleanupInterval;
    private readonly bool _publish;
    private readonly OwnStreamSequences? _ownSequences;
    private readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
    private DateTime _lastCleanup = DateTime.UtcNow;

    public ChangePublisher(ChangePublisherSettings settings, ChangeReader reader, CaptureInstaller capture, ReplicationLog log,
        DatabaseChangeWatcher watcher, NodeCounters counters, ILogger logger, OwnStreamSequences? ownSequences = null)
    {
        _ownSequences = ownSequences;
        _reader = reader;
        _capture = capture;
        _log = log;
        _watcher = watcher;
        _counters = counters;
        _logger = logger;
        _topology = settings.Topology;
        _scanMaxChanges = settings.ScanMaxChanges;
        _cleanupInterval = settings.CleanupInterval;
        _publish = settings.Publish;
        _encoder = new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = settings.Compress });
        if (!_publish)
            _logger.LogWarning("publish = false: this node is a read-only replica; local writes stay on this node and are not replicated");
    }

    /// <summary>
    /// Runs until <paramref name="stopping"/> is cancelled. A batch already being published when it is
    /// cancelled is finished (unless <paramref name="aborting"/> is cancelled too), so stopping never
    /// leaves a published batch unmarked.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken aborting)
    {
        var busyRetries = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await PublishPendingAsync(stopping, aborting).ConfigureAwait(false);
                if (DateTime.UtcNow - _lastCleanup >= _cleanupInterval)
                {
                    var removed = await _reader.CleanupPublishedAsync(stopping).ConfigureAwait(false);
                    if (removed > 0) _logger.LogDebug("Removed {Count} published change rows", removed);
                    _lastCleanup = DateTime.UtcNow;
                }
                busyRetries = 0;
            }
            catch (Exception ex) when (SqliteErrors.IsBusy(ex) && !aborting.IsCancellationRequested)
            {
                // An application holds the write lock longer than the busy timeout: wait for it, whatever it takes.
                _logger.LogWarning("The database is busy (another program holds its write lock); publishing resumes when it is free");
                await _backoff.WaitAsync(busyRetries++, stopping).ConfigureAwait(false);
                continue;
            }
            try
            {
                await _watcher.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>Publishes everything pending now; returns the number of batches.</summary>
    public async Task<int> PublishPendingAsync(CancellationToken stopping, CancellationToken aborting)
    {
        await RefreshCaptureIfSchemaChangedAsync(aborting).ConfigureAwait(false);
        var batches = 0;
        while (!stopping.IsCancellationRequested)
        {
            var pending = await _reader.ReadPendingAsync(_scanMaxChanges, aborting, BatchBudget).ConfigureAwait(false);
            if (pending is null) break;
            if (pending.Cut && !_publishingParts)
                // A backlog whose transaction boundaries the reader never saw (rows capture found at install, or written
                // while publishing was held up) comes as one group: it goes out in parts rather than never.
                _logger.LogWarning("The changes from {First} on are more than the NATS server takes in one message ({MaxPayload} bytes); "
                    + "publishing them in parts. A transaction among them may reach the other nodes in more than one part.",
                    pending.FirstSequence, _log.MaxPayload);
            _publishingParts = pending.Cut;
            if (_publish) await PublishAsync(pending, aborting).ConfigureAwait(false);
            _reader.MarkPublished(pending);
            batches++;
        }
        return batches;
    }

    /// <summary>
    /// The most a batch takes before compression: three quarters of the server's max_payload, leaving room for the
    /// message's own framing and for values whose encoding is larger than the reader's estimate.
    /// </summary>
    private long BatchBudget => _log.MaxPayload / 4 * 3;

    private async Task RefreshCaptureIfSchemaChangedAsync(CancellationToken cancellationToken)
    {
        if (!await _capture.HasSchemaChangedAsync(cancellationToken).ConfigureAwait(false)) return;
        var report = await _capture.InstallAsync(cancellationToken).ConfigureAwait(false);
        CaptureReportLog.Write(_logger, report, onlyChanges: true);
    }

    /// <summary>Publishes the batch, retrying until it is stored.</summary>
    private async Task PublishAsync(PendingBatch pending, CancellationToken cancellationToken)
    {
        var batch = pending.Batch;
        var shard = _topology.ShardFor(batch.BatchId);
        var subject = _topology.SubjectName(shard);
        var payload = _encoder.Encode(batch);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var ack = await _log.PublishAsync(shard, batch.BatchId, payload, cancellationToken).ConfigureAwait(false);
                _ownSequences?.Add(ack.Stream, ack.Sequence);
                _counters.Published(ack.Stream, ack.Sequence, batch);
                _logger.LogDebug("Published batch {BatchId} ({Changes} changes, {Bytes} bytes) to {Stream} at {Sequence}{Duplicate}",
                    batch.BatchId, batch.Changes.Count, payload.Length, ack.Stream, ack.Sequence, ack.Duplicate ? " (duplicate, already stored)" : "");
                return;
            }
            catch (MessagePayloadTooLargeException ex)
            {
                // Only a single change can be larger than the batch budget; retrying cannot help and it must not be dropped.
                var message = $"Batch {batch.BatchId} ({batch.Changes.Count} changes) is {payload.Length} bytes, more than the NATS server accepts ({ex.Message}). Raise max_payload in the nats-server configuration (nats.server_config for the embedded server) or write smaller rows.";
                _counters.Error(message);
                _logger.LogError("{Message}", message);
                await _backoff.WaitAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (MessagingException ex) when (!cancellationToken.IsCancellationRequested)
            {
                _counters.Error($"Publishing batch {batch.BatchId} to {subject} failed: {ex.Message}");
                _logger.LogWarning("Publishing batch {BatchId} to {Subject} failed (attempt {Attempt}): {Error}; retrying", batch.BatchId, subject, attempt + 1, ex.Message);
                await _backoff.WaitAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
