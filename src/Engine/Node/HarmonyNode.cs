using System.Collections.Concurrent;
using HarmonyLite.Engine.Apply;
using System.Reflection;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Consuming;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Observability;
using HarmonyLite.Engine.Publishing;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Engine.Node;

/// <summary>
/// One HarmonyLite node: watches the database, publishes its changes, applies everyone else's.
/// <see cref="StartAsync"/> returns once the node replicates; <see cref="StopAsync"/> shuts it down
/// cleanly (the batch in flight is finished, the embedded nats-server stopped).
/// </summary>
public sealed class HarmonyNode : IAsyncDisposable
{
    /// <summary>How long a stop waits for the batch in flight before cutting it short.</summary>
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ReplicationTopology _topology;
    private readonly NodeMetrics _metrics;
    private readonly NodeCounters _counters;
    private readonly OwnStreamSequences _ownSequences = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ShardWorker> _shards = new();
    private readonly ConcurrentDictionary<string, StreamRange> _lastRanges = new(StringComparer.Ordinal);
    private readonly StuckShards _stuck = new(StuckAfter);
    private ApplyConnections? _quarantineConnections;
    private TombstonePurger? _purger;
    private readonly List<Task> _loops = new();
    private EmbeddedNatsServer? _embedded;
    private MessagingConnection? _messaging;
    private ReplicationLog? _log;
    private CaptureInstaller? _capture;
    private ChangeReader? _reader;
    private DatabaseChangeWatcher? _watcher;
    private SnapshotService? _snapshots;
    private SnapshotScheduler? _scheduler;
    private HealthEndpoint? _health;
    private MetricsEndpoint? _metricsEndpoint;
    private ClusterBucket? _clusterBucket;
    private ClusterRegistry? _registry;
    private NodeState? _entryState;
    private int _stopRequested;
    private volatile NodeState _state = NodeState.Starting;
    private volatile NodeStatus? _released;

    private HarmonyNode(HarmonyConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("HarmonyLite.Node");
        _topology = ReplicationTopology.From(config);
        _metrics = new NodeMetrics(config.Prometheus, config.NodeId);
        _counters = new NodeCounters(_metrics);
        _metrics.Registry.AddBeforeCollectCallback(RefreshMetricsAsync);
    }

    public HarmonyConfig Config { get; }
    public long NodeId => Config.NodeId;
    public NodeState State => _state;
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Completes when the node has stopped; faulted when it stopped because of a failure.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts a node and returns once it replicates. A failure to start disposes what was started and throws.</summary>
    public static async Task<HarmonyNode> StartAsync(HarmonyConfig config, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var node = new HarmonyNode(config, loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await node.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            node._state = NodeState.Faulted;
            await node.ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        StartedAt = DateTimeOffset.UtcNow;
        var db = Config.DbPath;
        _logger.LogInformation("Starting node {NodeId} for {Database}", unchecked((ulong)NodeId), db);
        if (DatabaseFileSwap.RecoverInterrupted(db) is { } recovered) _logger.LogWarning("{Recovered}", recovered);
        StartEndpoints();

        var urls = await StartNatsServerAsync(cancellationToken).ConfigureAwait(false);
        _messaging = await MessagingConnector.ConnectAsync(Config, urls, _loggerFactory, cancellationToken).ConfigureAwait(false);
        _log = _messaging.OpenReplicationLog(_topology, Config.ReplicationLog, _logger);
        var streams = await _log.EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
        _clusterBucket = await OpenClusterBucketAsync(cancellationToken).ConfigureAwait(false);

        // Before this process opens the database: a restore replaces the file and refuses while anyone holds it.
        await RestoreIfNeededAsync(db, streams, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(db)) throw new NodeDatabaseMissingException(db, Config.Snapshot.Enabled);

        _capture = await CaptureInstaller.OpenAsync(db, NodeId, null, cancellationToken).ConfigureAwait(false);
        CaptureReportLog.Write(_logger, await _capture.InstallAsync(cancellationToken).ConfigureAwait(false), onlyChanges: false);
        _reader = await ChangeReader.OpenAsync(db, NodeId, null, cancellationToken).ConfigureAwait(false);

        if (Config.Replicate)
        {
            foreach (var shard in _topology.ShardNumbers)
            {
                var worker = await ShardWorker.OpenAsync(this, shard, db, cancellationToken).ConfigureAwait(false);
                _shards.Add(worker);
                await worker.Consumer.LoadPositionAsync(cancellationToken).ConfigureAwait(false);
            }
            _quarantineConnections = await ApplyConnections.OpenAsync(db, _loggerFactory.CreateLogger("HarmonyLite.Quarantine"), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _logger.LogWarning("replicate = false: this node publishes its changes but applies none from other nodes");
        }

        _watcher = new DatabaseChangeWatcher(db, Config.PollingInterval > TimeSpan.Zero ? Config.PollingInterval : TimeSpan.FromSeconds(1));
        if (!_watcher.IsWatchingFileSystem)
            _logger.LogWarning("Cannot watch {Database} for changes ({Reason}); polling every {Interval}", db, _watcher.WatchError, _watcher.PollingInterval);
        var publisher = new ChangePublisher(ChangePublisherSettings.From(Config), _reader, _capture, _log, _watcher, _counters,
            _loggerFactory.CreateLogger("HarmonyLite.Publisher"), Config.Replicate ? _ownSequences : null);

        _loops.Add(RunLoopAsync("publisher", () => publisher.RunAsync(_stopping.Token, _aborting.Token)));
        foreach (var worker in _shards)
            _loops.Add(RunLoopAsync($"consumer of {worker.Consumer.Stream}", () => worker.Consumer.RunAsync(_stopping.Token, _aborting.Token)));
        if (_quarantineConnections is { } retrying)
        {
            var retrier = new QuarantineRetrier(retrying.Applier, retrying.Quarantine, _counters, _loggerFactory.CreateLogger("HarmonyLite.Quarantine"));
            _loops.Add(RunLoopAsync("quarantine retrier", () => retrier.RunAsync(_stopping.Token)));
        }
        if (Config.TombstoneRetention > TimeSpan.Zero)
        {
            var logger = _loggerFactory.CreateLogger("HarmonyLite.Tombstones");
            _purger = await TombstonePurger.OpenAsync(db, cancellationToken, logger: logger).ConfigureAwait(false);
            var purge = new TombstonePurgeLoop(_purger, Config.TombstoneRetention, HasNothingOlderToApplyAsync, logger);
            _loops.Add(RunLoopAsync("tombstone purge", () => purge.RunAsync(_stopping.Token)));
        }
        if (_snapshots is not null)
        {
            _scheduler = await _snapshots.CreateSchedulerAsync(ReadLastSequencesAsync, cancellationToken).ConfigureAwait(false);
            _scheduler.Saved += (_, saved) => _metrics.Snapshot(restored: false, saved.Snapshot.Size, saved.Duration);
            _loops.Add(RunLoopAsync("snapshot scheduler", () => _scheduler.RunAsync(_stopping.Token)));
        }
        if (_clusterBucket is not null)
        {
            _registry = new ClusterRegistry(_clusterBucket, ReadEntryAsync, ReadProgress, _loggerFactory.CreateLogger("HarmonyLite.Cluster"));
            _loops.Add(RunLoopAsync("cluster registry", () => _registry.RunAsync(_stopping.Token)));
        }
        if (Config.SleepTimeout > TimeSpan.Zero)
            _loops.Add(RunLoopAsync("sleep timer", () => SleepWhenIdleAsync(_stopping.Token)));
        _ = SuperviseAsync();

        _state = NodeState.Running;
        _logger.LogInformation("Node {NodeId} replicating {Database} over {Shards} shard stream(s) via {Url}",
            unchecked((ulong)NodeId), db, _topology.Shards, _messaging.ServerUrl);
    }

    /// <summary>
    /// Restores the newest snapshot when the database is missing or empty and the streams cannot replay everything, or
    /// when a stream dropped messages this node never applied. Local changes not yet published go out first, so the
    /// restore does not lose them: they come back from the stream.
    /// </summary>
    /// <remarks>A damaged snapshot leaves the database untouched; the plan is made again without it (an older snapshot, or the streams).</remarks>
    private async Task RestoreIfNeededAsync(string db, IReadOnlyList<StreamRange> ranges, CancellationToken cancellationToken)
    {
        if (Config.Snapshot.Enabled)
        {
            _snapshots = await SnapshotService.OpenAsync(Config, _loggerFactory, _messaging, cancellationToken).ConfigureAwait(false);
            _snapshots.StorePositions = StorePositionsAsync;
        }
        var refused = new List<string>();
        while (true)
        {
            var plan = _snapshots is null
                ? await RestorePlanner.PlanAsync(db, ranges, [], storeDescription: null, cancellationToken).ConfigureAwait(false)
                : await _snapshots.PlanRestoreAsync(ranges, refused, cancellationToken).ConfigureAwait(false);
            if (plan.Reason != RestoreReason.None) _logger.LogInformation("{Plan}", plan.Explanation);
            if (!plan.RestoreNeeded) return;

            _state = NodeState.Restoring;
            if (plan.UnpublishedChanges > 0) await PublishBeforeRestoreAsync(db, plan.UnpublishedChanges, cancellationToken).ConfigureAwait(false);
            var snapshot = plan.Snapshot!.Id;
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var restored = await _snapshots!.RestoreAsync(snapshot, cancellationToken).ConfigureAwait(false);
                _metrics.Snapshot(restored: true, restored.Size, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                _logger.LogInformation("Restored snapshot {Snapshot} of node {Source} taken {Created:u}; resuming from its positions", restored.Id, unchecked((ulong)restored.NodeId), restored.CreatedAt);
                return;
            }
            catch (SnapshotIntegrityException ex)
            {
                _logger.LogError("Refused snapshot {Snapshot}: {Error} Planning again without it.", snapshot, ex.Message);
                refused.Add(snapshot);
            }
        }
    }

    private async Task PublishBeforeRestoreAsync(string db, long unpublished, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Publishing {Count} local changes before the restore replaces the database", unpublished);
        await using var capture = await CaptureInstaller.OpenAsync(db, NodeId, null, cancellationToken).ConfigureAwait(false);
        await using var reader = await ChangeReader.OpenAsync(db, NodeId, null, cancellationToken).ConfigureAwait(false);
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromSeconds(1));
        var publisher = new ChangePublisher(ChangePublisherSettings.From(Config), reader, capture, _log!, watcher, _counters,
            _loggerFactory.CreateLogger("HarmonyLite.Publisher"));
        await publisher.PublishPendingAsync(cancellationToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the positions the shards reached in memory, for a snapshot to record.</summary>
    private async Task StorePositionsAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in _shards) await worker.Consumer.FlushPositionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether every shard is applied up to its stream's last message and nothing waits in the quarantine.</summary>
    private async Task<bool> HasNothingOlderToApplyAsync(CancellationToken cancellationToken)
    {
        var last = await ReadLastSequencesAsync(cancellationToken).ConfigureAwait(false);
        if (_shards.Any(w => w.Consumer.AppliedSequence < last.GetValueOrDefault(w.Consumer.Stream))) return false;
        await using var quarantine = await QuarantineStore.OpenAsync(Config.DbPath, null, cancellationToken).ConfigureAwait(false);
        return await quarantine.CountAsync(cancellationToken).ConfigureAwait(false) == 0;
    }

    private async Task<IReadOnlyDictionary<string, ulong>> ReadLastSequencesAsync(CancellationToken cancellationToken) =>
        (await _log!.ReadRangesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Stream, r => r.LastSequence);

    private async Task<IReadOnlyList<string>> StartNatsServerAsync(CancellationToken cancellationToken)
    {
        if (!Config.Nats.UsesEmbeddedServer) return Config.Nats.Urls;
        _embedded = new EmbeddedNatsServer(EmbeddedNatsServerOptions.For(Config, _loggerFactory));
        await _embedded.StartAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Embedded nats-server {Server} ready at {Url}", _embedded.ServerName, _embedded.ClientUrl);
        return [_embedded.ClientUrl];
    }

    private Task RunLoopAsync(string name, Func<Task> loop) => Task.Run(async () =>
    {
        try
        {
            await loop().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _counters.Error($"The {name} failed: {ex.Message}");
            _logger.LogCritical(ex, "The {Loop} failed; stopping the node", name);
            throw new HarmonyNodeException($"The {name} of node {unchecked((ulong)NodeId)} failed: {ex.Message}", ex);
        }
        finally
        {
            // Any loop ending ends the node: a node that half-replicates is worse than one that stops and says why.
            RequestStop();
        }
    });

    private async Task SleepWhenIdleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var idle = DateTime.UtcNow - _counters.LastActivity;
            if (idle >= Config.SleepTimeout)
            {
                _logger.LogInformation("No replication activity for {Idle}; stopping (sleep_timeout)", Config.SleepTimeout);
                return;
            }
            await Task.Delay(Config.SleepTimeout - idle + TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync()
    {
        Exception? failure = null;
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (Exception)
        {
            failure = _loops.Where(l => l.IsFaulted).Select(l => l.Exception!.GetBaseException()).FirstOrDefault();
        }
        _state = failure is null ? NodeState.Stopping : NodeState.Faulted;
        await ReleaseAsync().ConfigureAwait(false);
        if (failure is null)
        {
            _state = NodeState.Stopped;
            _logger.LogInformation("Node {NodeId} stopped", unchecked((ulong)NodeId));
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(failure);
        }
    }

    private void RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0) return;
        if (_state == NodeState.Running) _state = NodeState.Stopping;
        _stopping.Cancel();
        _aborting.CancelAfter(StopGracePeriod);
    }

    /// <summary>Stops the node gracefully and waits until it has stopped. Does not throw for a node that failed; see <see cref="Completion"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        RequestStop();
        using var registration = cancellationToken.Register(() => _aborting.Cancel());
        try { await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false); }
        catch (Exception) when (_completion.Task.IsFaulted) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loops.Count == 0)
        {
            await ReleaseAsync().ConfigureAwait(false);
            return;
        }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The configured snapshot store, opened over this running node's own NATS connection (which stays the node's).
    /// Each save stores the positions the shards reached in memory first, so the snapshot records them.
    /// </summary>
    public async Task<SnapshotService> OpenSnapshotServiceAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var messaging = _messaging ?? throw new InvalidOperationException($"Node {unchecked((ulong)NodeId)} is {_state.ToString().ToLowerInvariant()}, not running.");
        var snapshots = await SnapshotService.OpenAsync(Config, loggerFactory, messaging, cancellationToken).ConfigureAwait(false);
        snapshots.StorePositions = StorePositionsAsync;
        return snapshots;
    }

    /// <summary>Every node of the cluster, from the cluster bucket over this node's own NATS connection.</summary>
    public Task<ClusterStatus> ReadClusterStatusAsync(CancellationToken cancellationToken) =>
        _clusterBucket is { } bucket && _log is { } log && _state == NodeState.Running
            ? ClusterStatusReader.ReadAsync(bucket, log, cancellationToken)
            : throw NotRunning();

    /// <summary>Waits until every live node applied what this node's database committed and the cluster published (see <see cref="ReplicationWaiter"/>).</summary>
    public Task<ReplicationResult> WaitReplicatedAsync(TimeSpan timeout, string timeoutName, Action<ReplicationProgress>? progress, CancellationToken cancellationToken) =>
        _messaging is { } messaging && _state == NodeState.Running
            ? ReplicationWaiter.WaitAsync(messaging, Config, timeout, timeoutName, progress, cancellationToken)
            : throw NotRunning();

    private InvalidOperationException NotRunning() =>
        new($"Node {unchecked((ulong)NodeId)} is {_state.ToString().ToLowerInvariant()}, not running.");

    /// <summary>
    /// The node's progress: stream positions from NATS, applied positions and counters from the node. Once the node has
    /// released its shards (stopped or failed), the positions it had then, with its counters now.
    /// </summary>
    public async Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        if (_released is { } last)
            return last with { State = _state, PublishedBatches = _counters.PublishedBatches, AppliedBatches = _counters.AppliedBatches, LastError = _counters.LastError };
        return await ReadStatusAsync(_state == NodeState.Running, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NodeStatus> ReadStatusAsync(bool live, CancellationToken cancellationToken)
    {
        var shards = new List<ShardStatus>();
        foreach (var shard in _topology.ShardNumbers)
        {
            var stream = _topology.StreamName(shard);
            var range = _lastRanges.GetValueOrDefault(stream) ?? StreamRange.Empty(stream);
            // Disconnected, a read would wait for its timeout: the range last read stands (health must answer quickly).
            if (_log is not null && live && _messaging is { IsConnected: true })
            {
                try
                {
                    range = await _log.ReadRangeAsync(stream, cancellationToken).ConfigureAwait(false);
                    _lastRanges[stream] = range;
                }
                catch (MessagingException ex)
                {
                    _counters.Error($"Reading {stream} from NATS failed: {ex.Message}");
                }
            }
            var applied = _shards.FirstOrDefault(w => w.Consumer.Shard == shard)?.Consumer.AppliedSequence ?? 0;
            shards.Add(new ShardStatus(shard, stream, range.FirstSequence, range.LastSequence, applied, range.Messages, range.Bytes));
        }
        long pending = 0, quarantined = 0;
        if (live)
        {
            // The running publisher knows how far it got; the database learns it only at cleanup.
            await using var reader = await ChangeReader.OpenAsync(Config.DbPath, NodeId, null, cancellationToken).ConfigureAwait(false);
            pending = Math.Max(0, await reader.ReadLastChangeAsync(cancellationToken).ConfigureAwait(false) - (_reader?.PublishedSequence ?? reader.PublishedSequence));
            // What is in the quarantine now: messages applied again after a schema change have left it.
            await using var quarantine = await QuarantineStore.OpenAsync(Config.DbPath, null, cancellationToken).ConfigureAwait(false);
            quarantined = await quarantine.CountAsync(cancellationToken).ConfigureAwait(false);
        }
        return new NodeStatus(NodeId, _state, Config.DbPath, _messaging?.ServerUrl ?? "", StartedAt, shards,
            _counters.PublishedBatches, _counters.AppliedBatches, pending, quarantined, _counters.LastError);
    }

    // First of all: a probe sees a node that is starting or restoring (503) before it replicates, and a bind that fails
    // stops the start before anything else was set up.
    private void StartEndpoints()
    {
        var logger = _loggerFactory.CreateLogger("HarmonyLite.Observability");
        if (Config.HealthCheck.Enable)
        {
            _health = HealthEndpoint.Start(Config.HealthCheck, CheckHealthAsync, logger);
            _logger.LogInformation("Health endpoint listening at {Url}", _health.Url);
        }
        if (Config.Prometheus.Enable)
        {
            _metricsEndpoint = MetricsEndpoint.Start(Config.Prometheus, _metrics, logger);
            _logger.LogInformation("Prometheus metrics at {Url}", _metricsEndpoint.Url);
        }
    }

    /// <summary>
    /// Whether the node is healthy, and why not: it runs, its database opens, NATS is connected, every watched table has
    /// its triggers. Each check that cannot be made counts as failed, with its reason.
    /// </summary>
    public async Task<HealthReport> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var state = _state;
        if (state != NodeState.Running)
            problems.Add($"the node is {state.ToString().ToLowerInvariant()}" + (_counters.LastError is { } error ? $": {error}" : ""));
        var connected = _messaging?.IsConnected ?? false;
        if (!connected)
            problems.Add(_messaging is null ? "not connected to NATS yet" : $"disconnected from NATS server {_messaging.ServerUrl}; reconnecting");

        CaptureCoverage? capture = null;
        try
        {
            await using var connection = await SqliteConnectionFactory.OpenAsync(Config.DbPath, null, cancellationToken)
                .ConfigureAwait(false);
            capture = await CaptureCoverage.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException
            or InvalidOperationException)
        {
            problems.Add($"cannot open the database {Config.DbPath}: {ex.Message}");
        }
        if (capture is { IsInstalled: false })
            problems.Add(capture.ChangeLogPresent
                ? $"capture is missing on table(s) {string.Join(", ", capture.TablesWithoutTriggers)}: their triggers were removed"
                : "capture is not installed in the database (no change log)");

        NodeStatus? status = null;
        // Without a change log there is no status to read (the read would throw); the problem above says why.
        if (capture is { ChangeLogPresent: true })
        {
            try
            {
                status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SqliteException or MessagingException or IOException)
            {
                problems.Add($"reading the node's status failed: {ex.Message}");
            }
        }
        foreach (var shard in status?.Shards ?? [])
            if (_stuck.Check(shard, DateTimeOffset.UtcNow) is { } stuck) problems.Add(stuck);
        ulong? leaseHolder = null;
        if (_scheduler is { } scheduler && connected)
        {
            try
            {
                var holder = await scheduler.Lease.GetHolderAsync(cancellationToken).ConfigureAwait(false);
                leaseHolder = holder is { } id ? unchecked((ulong)id) : null;
            }
            catch (MessagingException)
            {
                // The lease is news, not health.
            }
        }
        var cluster = status is not null && connected ? await TryReadClusterFactsAsync(status, cancellationToken).ConfigureAwait(false) : null;
        return new HealthReport
        {
            NodeId = unchecked((ulong)NodeId),
            UptimeSeconds = StartedAt == default ? 0 : (long)(DateTimeOffset.UtcNow - StartedAt).TotalSeconds,
            DbConnected = capture is not null,
            NatsConnected = connected,
            CdcInstalled = capture?.IsInstalled ?? false,
            TablesTracked = capture?.TablesTracked ?? 0,
            LastReplicatedEvent = Latest(_counters.LastApplied),
            LastPublishedEvent = Latest(_counters.LastPublished),
            State = state.ToString().ToLowerInvariant(),
            Problems = problems,
            Shards = status?.Shards.Select(s => new ShardHealth(s.Stream, s.AppliedSequence, s.LastSequence, s.Lag,
                cluster?.Shard(s.Stream).ClusterLag, cluster?.Shard(s.Stream).NodesBehind)).ToList() ?? [],
            QuarantinedMessages = status?.QuarantinedMessages ?? 0,
            SnapshotLeaseHolder = leaseHolder,
            Cluster = cluster,
        };

        static DateTimeOffset? Latest(IReadOnlyDictionary<string, StreamMark> marks) =>
            marks.Count == 0 ? null : marks.Values.Max(m => m.At);
    }

    /// <summary>How long the health report waits for the cluster bucket, well inside <see cref="HealthEndpoint.ReportTimeout"/>.</summary>
    private static readonly TimeSpan ClusterReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The cluster's facts for the health report: one read of the cluster bucket, against the stream ranges the report
    /// just read. Cluster facts are news, not health: a read that fails or is slow gives null and is never a problem of
    /// this node (the bucket's leader may be another server that is being replaced).
    /// </summary>
    private async Task<ClusterFacts?> TryReadClusterFactsAsync(NodeStatus status, CancellationToken cancellationToken)
    {
        if (_clusterBucket is not { } bucket) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ClusterReadTimeout);
        try
        {
            var ranges = status.Shards.Select(s => new StreamRange(s.Stream, s.FirstSequence, s.LastSequence)).ToList();
            return ClusterFacts.From(await ClusterStatusReader.ReadAsync(bucket, ranges, timeout.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Reading the cluster bucket for the health report failed: {Error}", ex.Message);
            return null;
        }
    }

    /// <summary>
    /// A consumer that stalls recreates itself after <see cref="ShardConsumer.StallTimeout"/>; a shard that lags and has
    /// not moved for twice that long (between health checks) is stuck for good.
    /// </summary>
    public static readonly TimeSpan StuckAfter = ShardConsumer.StallTimeout * 2;

    // Before each scrape: levels only a read of NATS and the database can tell. A read that fails leaves the last values.
    private async Task RefreshMetricsAsync(CancellationToken cancellationToken)
    {
        try
        {
            _metrics.Observe(await GetStatusAsync(cancellationToken).ConfigureAwait(false), _counters, _messaging?.Statistics);
        }
        catch (Exception ex) when (ex is SqliteException or MessagingException or IOException)
        {
            _logger.LogDebug("Reading the status of node {NodeId} for metrics failed: {Error}",
                unchecked((ulong)NodeId), ex.Message);
        }
    }

    // The cluster bucket is for others to look at: a NATS that refuses it (permissions, limits) leaves the node replicating.
    private async Task<ClusterBucket?> OpenClusterBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ClusterBucket.OpenAsync(_messaging!, Config, _logger, cancellationToken).ConfigureAwait(false);
        }
        catch (MessagingException ex)
        {
            _logger.LogWarning("Cannot open the cluster bucket {Bucket}, so cluster status and replication waits do not see this node: {Error}",
                ClusterBucket.NameFor(Config), ex.Message);
            return null;
        }
    }

    /// <summary>This node's entry in the cluster bucket, as it is now.</summary>
    private async Task<NodeEntry> ReadEntryAsync(CancellationToken cancellationToken)
    {
        var status = _released ?? await ReadStatusAsync(live: true, cancellationToken).ConfigureAwait(false);
        var shards = status.Shards.Select(s => new ShardPosition(s.Shard, s.Stream, _counters.LastPublished.GetValueOrDefault(s.Stream)?.Sequence ?? 0, s.AppliedSequence)).ToList();
        var tables = await TableSchemaReader.ReadAsync(Config.DbPath, cancellationToken).ConfigureAwait(false);
        return new NodeEntry(NodeId, EngineVersion, Environment.MachineName, StartedAt, _entryState ?? _state, Config.Replicate, shards,
            _reader?.PublishedSequence ?? 0, status.PendingChanges, status.QuarantinedMessages, tables, DateTimeOffset.UtcNow, _counters.LastError);
    }

    // Changes whenever the node publishes or applies a batch: the registry then writes the entry without waiting for the heartbeat.
    private long ReadProgress() => _counters.PublishedBatches + _counters.AppliedBatches + (long)_state
        + _shards.Sum(w => (long)w.Consumer.AppliedSequence);

    private static string EngineVersion { get; } =
        typeof(HarmonyNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private async Task ReleaseAsync()
    {
        if (_shards.Count > 0) await KeepLastStatusAsync().ConfigureAwait(false);
        await WriteFinalEntryAsync().ConfigureAwait(false);
        foreach (var worker in _shards) await worker.DisposeAsync().ConfigureAwait(false);
        _shards.Clear();
        if (_quarantineConnections is not null) await _quarantineConnections.DisposeAsync().ConfigureAwait(false);
        _quarantineConnections = null;
        if (_purger is not null) await _purger.DisposeAsync().ConfigureAwait(false);
        _purger = null;
        _watcher?.Dispose();
        if (_reader is not null) await _reader.DisposeAsync().ConfigureAwait(false);
        if (_capture is not null) await _capture.DisposeAsync().ConfigureAwait(false);
        // The scheduler gives up the snapshot lease, which needs the connection still open.
        if (_scheduler is not null) await _scheduler.DisposeAsync().ConfigureAwait(false);
        if (_snapshots is not null) await _snapshots.DisposeAsync().ConfigureAwait(false);
        if (_messaging is not null) await _messaging.DisposeAsync().ConfigureAwait(false);
        if (_embedded is not null) await _embedded.DisposeAsync().ConfigureAwait(false);
        // Last: a probe sees the node unhealthy while it stops, rather than nothing listening.
        if (_health is not null) await _health.DisposeAsync().ConfigureAwait(false);
        if (_metricsEndpoint is not null) await _metricsEndpoint.DisposeAsync().ConfigureAwait(false);
        (_health, _metricsEndpoint) = (null, null);
        (_reader, _capture, _messaging, _log, _embedded, _watcher, _scheduler, _snapshots) = (null, null, null, null, null, null, null, null);
    }

    // Others see at once that this node stopped (or failed) instead of waiting for its heartbeat to age.
    private async Task WriteFinalEntryAsync()
    {
        if (_registry is null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        _entryState = _state == NodeState.Faulted ? NodeState.Faulted : NodeState.Stopped;
        try
        {
            await _registry.TryWriteAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // The bucket cannot be reached (its server stopped first): the heartbeat ages instead, and the stop goes on.
            _logger.LogDebug("Writing the final entry of node {NodeId} timed out", unchecked((ulong)NodeId));
        }
        _registry = null;
    }

    // Read while the shards and the connection are still open, so a status asked for after the stop still shows them.
    private async Task KeepLastStatusAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            _released = await ReadStatusAsync(live: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug("Reading the status of node {NodeId} before it released its shards: {Error}", unchecked((ulong)NodeId), ex.Message);
        }
    }

    /// <summary>What one shard needs on this node: its consumer and the connections it applies through.</summary>
    private sealed class ShardWorker : IAsyncDisposable
    {
        private readonly ApplyConnections _connections;

        private ShardWorker(ShardConsumer consumer, ApplyConnections connections)
        {
            Consumer = consumer;
            _connections = connections;
        }

        public ShardConsumer Consumer { get; }

        public static async Task<ShardWorker> OpenAsync(HarmonyNode node, int shard, string db, CancellationToken cancellationToken)
        {
            var logger = node._loggerFactory.CreateLogger("HarmonyLite.Consumer");
            var connections = await ApplyConnections.OpenAsync(db, logger, cancellationToken).ConfigureAwait(false);
            var consumer = new ShardConsumer(node.NodeId, node._ownSequences, shard, node._log!, connections.Applier, connections.Quarantine,
                new StreamGapRecovery(node._snapshots, node._ownSequences, db, logger), node._counters, logger);
            return new ShardWorker(consumer, connections);
        }

        public ValueTask DisposeAsync() => _connections.DisposeAsync();
    }

    /// <summary>An applier and a quarantine store on connections of their own, for one loop that applies changes.</summary>
    private sealed class ApplyConnections : IAsyncDisposable
    {
        private ApplyConnections(ChangeApplier applier, QuarantineStore quarantine)
        {
            Applier = applier;
            Quarantine = quarantine;
        }

        public ChangeApplier Applier { get; }
        public QuarantineStore Quarantine { get; }

        public static async Task<ApplyConnections> OpenAsync(string db, ILogger logger, CancellationToken cancellationToken)
        {
            var applier = await ChangeApplier.OpenAsync(db, null, cancellationToken, logger: logger).ConfigureAwait(false);
            try
            {
                return new ApplyConnections(applier, await QuarantineStore.OpenAsync(db, null, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                await applier.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Applier.DisposeAsync().ConfigureAwait(false);
            await Quarantine.DisposeAsync().ConfigureAwait(false);
        }
    }
}
