using System.Globalization;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Replication;
using Prometheus;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// One node's Prometheus metrics, in a registry of its own (never prometheus-net's static default one), every series
/// labelled with <c>node_id</c>. The names are Go HarmonyLite's, so its dashboards keep working; ours follow them.
/// Events (an apply, a publish) are recorded as they happen; levels (lag, stream sizes) are read at each scrape.
/// </summary>
public sealed class NodeMetrics
{
    /// <summary>What every conflict is resolved by here: the greater version wins, column by column.</summary>
    public const string ConflictStrategy = "last_writer_wins";

    private static readonly double[] DurationBuckets = Histogram.ExponentialBuckets(0.0005, 2, 16);
    private static readonly double[] SnapshotBuckets = Histogram.ExponentialBuckets(0.01, 2, 16);

    private readonly Gauge _subscriberLagMessages;
    private readonly Gauge _subscriberLagSeconds;
    private readonly Gauge _lastProcessedSequence;
    private readonly Gauge _lastProcessedTimestamp;
    private readonly Gauge _publisherStreamMessages;
    private readonly Gauge _publisherLastSequence;
    private readonly Gauge _publisherLastTimestamp;
    private readonly Gauge _streamMessages;
    private readonly Gauge _streamBytes;
    private readonly Counter _messagesPublished;
    private readonly Counter _messagesReceived;
    private readonly Counter _operationErrors;
    private readonly Counter _conflictsResolved;
    private readonly Counter _replicatedWrites;
    private readonly Counter _applyErrors;
    private readonly Histogram _applyDuration;
    private readonly Histogram _captureToPublish;
    private readonly Gauge _quarantined;
    private readonly Histogram _snapshotSaveDuration;
    private readonly Histogram _snapshotRestoreDuration;
    private readonly Gauge _snapshotSavedBytes;
    private readonly Gauge _snapshotRestoredBytes;

    public NodeMetrics(PrometheusConfig config, long nodeId)
    {
        Registry = Metrics.NewCustomRegistry();
        var id = unchecked((ulong)nodeId).ToString(CultureInfo.InvariantCulture);
        Registry.SetStaticLabels(new Dictionary<string, string> { ["node_id"] = id });
        var factory = Metrics.WithCustomRegistry(Registry);
        string Name(string name) => string.Join('_', new[] { config.Namespace, config.Subsystem, name }.Where(p => p.Length > 0));
        Gauge Gauge(string name, string help, params string[] labels) => factory.CreateGauge(Name(name), help, labels);
        Counter Counter(string name, string help, params string[] labels) => factory.CreateCounter(Name(name), help, labels);
        Histogram Histogram(string name, string help, double[] buckets, params string[] labels) =>
            factory.CreateHistogram(Name(name), help, labels, new HistogramConfiguration { Buckets = buckets });

        _subscriberLagMessages = Gauge("replication_subscriber_lag_messages",
            "Messages of the stream not applied here yet.", "source_stream_name");
        _subscriberLagSeconds = Gauge("replication_subscriber_lag_seconds",
            "Seconds since this node last applied a message of the stream, while it lags; 0 when caught up.", "source_stream_name");
        _lastProcessedSequence = Gauge("replication_last_processed_sequence",
            "The last stream sequence applied here.", "source_stream_name");
        _lastProcessedTimestamp = Gauge("replication_last_processed_timestamp_seconds",
            "When this node last applied a message of another node from the stream (Unix time).", "source_stream_name");
        _publisherStreamMessages = Gauge("replication_publisher_stream_total_messages",
            "Messages the stream holds.", "stream_name");
        _publisherLastSequence = Gauge("replication_publisher_last_published_sequence",
            "The sequence of this node's last message in the stream.", "stream_name");
        _publisherLastTimestamp = Gauge("replication_publisher_last_published_timestamp_seconds",
            "When this node last published to the stream (Unix time).", "stream_name");
        _streamMessages = Gauge("nats_stream_info_messages",
            "Messages the stream holds, as JetStream reports it.", "stream_name");
        _streamBytes = Gauge("nats_stream_info_bytes",
            "Bytes the stream holds, as JetStream reports it.", "stream_name");
        _messagesPublished = Counter("nats_messages_published_total",
            "Change batches this node published, acknowledged by JetStream.", "stream_name");
        _messagesReceived = Counter("nats_messages_received_total",
            "Replication messages delivered to this node (redeliveries included).");
        _operationErrors = Counter("logstream_nats_operation_errors_total", "Failed NATS operations, by kind.", "type");
        _conflictsResolved = Counter("conflicts_resolved_total",
            "Replicated row changes that lost to a newer version here.", "strategy");
        _replicatedWrites = Counter("db_replicated_writes_total",
            "Row changes of other nodes applied here.", "table_name", "operation");
        _applyErrors = Counter("db_apply_errors_total",
            "Row changes of messages set aside in the quarantine.", "table_name", "operation");
        _applyDuration = Histogram("db_apply_duration_seconds",
            "Time to apply one message (one transaction), counted once for each table and operation it holds.", DurationBuckets,
            "table_name", "operation");
        _captureToPublish = Histogram("replication_capture_to_publish_delay_seconds",
            "From the oldest change of a batch being written to JetStream acknowledging the batch.", DurationBuckets);
        _quarantined = Gauge("quarantine_messages", "Messages in the quarantine now.");
        _snapshotSaveDuration = Histogram("snapshot_save_duration_seconds",
            "Time to save and upload one snapshot.", SnapshotBuckets);
        _snapshotRestoreDuration = Histogram("snapshot_restore_duration_seconds",
            "Time to download, check and restore one snapshot.", SnapshotBuckets);
        _snapshotSavedBytes = Gauge("snapshot_last_saved_bytes", "Size of the last snapshot this node saved.");
        _snapshotRestoredBytes = Gauge("snapshot_last_restored_bytes", "Size of the last snapshot this node restored.");
        _conflictsResolved.WithLabels(ConflictStrategy);
    }

    /// <summary>The node's own registry, for the endpoint to export.</summary>
    public CollectorRegistry Registry { get; }

    internal void Published(TimeSpan sinceCaptured) => _captureToPublish.Observe(Math.Max(0, sinceCaptured.TotalSeconds));

    internal void Applied(ChangeBatch batch, ApplyResult result, TimeSpan took)
    {
        foreach (var group in batch.Changes.GroupBy(c => (c.Table, c.Operation)))
        {
            var operation = OperationLabel(group.Key.Operation);
            _replicatedWrites.WithLabels(group.Key.Table, operation).Inc(group.Count());
            _applyDuration.WithLabels(group.Key.Table, operation).Observe(took.TotalSeconds);
        }
        if (result.SupersededChanges > 0) _conflictsResolved.WithLabels(ConflictStrategy).Inc(result.SupersededChanges);
    }

    internal void ApplyFailed(ChangeBatch? batch)
    {
        if (batch is null)
        {
            // Bytes that did not decode name no table.
            _applyErrors.WithLabels("", "").Inc();
            return;
        }
        foreach (var group in batch.Changes.GroupBy(c => (c.Table, c.Operation)))
            _applyErrors.WithLabels(group.Key.Table, OperationLabel(group.Key.Operation)).Inc(group.Count());
    }

    /// <summary>A snapshot saved (<paramref name="restored"/> false) or restored: its size and how long it took.</summary>
    public void Snapshot(bool restored, long bytes, TimeSpan took)
    {
        (restored ? _snapshotRestoreDuration : _snapshotSaveDuration).Observe(took.TotalSeconds);
        (restored ? _snapshotRestoredBytes : _snapshotSavedBytes).Set(bytes);
    }

    /// <summary>Sets the levels read at a scrape: the node's status and counters, what its NATS connection counted.</summary>
    internal void Observe(NodeStatus status, NodeCounters counters, MessagingStatistics? messaging)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var shard in status.Shards)
        {
            var stream = shard.Stream;
            var applied = counters.LastApplied.GetValueOrDefault(stream);
            _subscriberLagMessages.WithLabels(stream).Set(shard.Lag);
            var lagging = shard.Lag == 0 ? TimeSpan.Zero : now - (applied?.At ?? status.StartedAt);
            _subscriberLagSeconds.WithLabels(stream).Set(lagging.TotalSeconds);
            _lastProcessedSequence.WithLabels(stream).Set(shard.AppliedSequence);
            if (applied is not null) _lastProcessedTimestamp.WithLabels(stream).Set(UnixSeconds(applied.At));
            _publisherStreamMessages.WithLabels(stream).Set(shard.Messages);
            _streamMessages.WithLabels(stream).Set(shard.Messages);
            _streamBytes.WithLabels(stream).Set(shard.Bytes);
            var published = counters.LastPublished.GetValueOrDefault(stream);
            _messagesPublished.WithLabels(stream).IncTo(published?.Messages ?? 0);
            if (published is null) continue;
            _publisherLastSequence.WithLabels(stream).Set(published.Sequence);
            _publisherLastTimestamp.WithLabels(stream).Set(UnixSeconds(published.At));
        }
        _quarantined.Set(status.QuarantinedMessages);
        if (messaging is null) return;
        _messagesReceived.IncTo(messaging.ReceivedMessages);
        foreach (var (kind, count) in messaging.ErrorsByKind) _operationErrors.WithLabels(ErrorTypeLabel(kind)).IncTo(count);
    }

    private static double UnixSeconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    private static string OperationLabel(ChangeOperation operation) => operation.ToString().ToLowerInvariant();

    // unavailable, authentication_refused, ...: the words of MessagingErrorKind, in Prometheus' snake case.
    private static string ErrorTypeLabel(MessagingErrorKind kind) =>
        string.Concat(kind.ToString().Select((c, i) =>
            (i > 0 && char.IsUpper(c) ? "_" : "") + char.ToLowerInvariant(c).ToString()));
}
