using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Consuming;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Publishing;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.Engine.Tests.Messaging;
using HarmonyLite.Engine.Tests.Snapshots;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Engine.Tests.Consuming;

/// <summary>
/// Two databases replicating one way through a real nats-server: node 1 publishes its writes (<see cref="ChangePublisher"/>),
/// node 2 applies them (<see cref="ShardConsumer"/>, snapshots disabled), each over its own connection as two nodes would.
/// </summary>
internal sealed class ReplicationPair : IAsyncDisposable
{
    public const string Schema = "CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, v TEXT NOT NULL);";

    private readonly TempDirectory _directory = new("harmonylite-pair");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private MessagingConnection _source = null!;
    private MessagingConnection _target = null!;
    private ChangePublisher _publisher = null!;

    private ReplicationPair() { }

    public TestLoggerFactory Log { get; } = new();
    public ReplicationTopology Topology { get; } = TestMessaging.UniqueTopology("pair");
    public string Stream => Topology.StreamName(1);
    public string SourcePath => _directory.File("source.db");
    public string TargetPath => _directory.File("target.db");
    public ReplicationLog SourceLog { get; private set; } = null!;

    /// <summary>The running consumer of node 2; faulted when it stopped with an error.</summary>
    public Task Consuming { get; private set; } = Task.CompletedTask;

    /// <summary>Node 2's durable consumer: <see cref="ShardConsumer.ConsumerName"/> of node 2.</summary>
    public string ConsumerName => MessagingConnector.NodeName(2);

    public static async Task<ReplicationPair> CreateAsync(string url)
    {
        var pair = new ReplicationPair();
        try
        {
            foreach (var (path, node) in new[] { (pair.SourcePath, 1L), (pair.TargetPath, 2L) })
            {
                using (var connection = SnapshotTesting.Open(path))
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = Schema;
                    command.ExecuteNonQuery();
                }
                await using var capture = await CaptureInstaller.OpenAsync(path, node, null, CancellationToken.None);
                await capture.InstallAsync(CancellationToken.None);
            }
            pair._source = await TestMessaging.ConnectAsync(url, pair.Log);
            pair._target = await TestMessaging.ConnectAsync(url, pair.Log);
            pair.SourceLog = pair._source.OpenReplicationLog(pair.Topology, new ReplicationLogConfig(), pair.Log.CreateLogger("streams"));
            await pair.SourceLog.EnsureStreamsAsync(CancellationToken.None);

            var capture1 = await CaptureInstaller.OpenAsync(pair.SourcePath, 1, null, CancellationToken.None);
            var reader = await ChangeReader.OpenAsync(pair.SourcePath, 1, null, CancellationToken.None);
            pair._owned.AddRange([capture1, reader]);
            var watcher = new DatabaseChangeWatcher(pair.SourcePath, TimeSpan.FromSeconds(1));
            pair._owned.Add(new Disposer(watcher.Dispose));
            pair._publisher = new ChangePublisher(new ChangePublisherSettings(1, pair.Topology, 512, TimeSpan.FromHours(1), Compress: true, Publish: true),
                reader, capture1, pair.SourceLog, watcher, new NodeCounters(), pair.Log.CreateLogger("publisher"));
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes on node 1 and publishes what it wrote as one batch (one stream message per call).</summary>
    public async Task WriteAndPublishAsync(string sql)
    {
        using (var connection = SnapshotTesting.Open(SourcePath))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
        await _publisher.PublishPendingAsync(CancellationToken.None, CancellationToken.None);
    }

    /// <summary>Starts node 2's consumer from the position stored in its database.</summary>
    public async Task StartConsumerAsync()
    {
        var applier = await ChangeApplier.OpenAsync(TargetPath, null, CancellationToken.None);
        var quarantine = await QuarantineStore.OpenAsync(TargetPath, null, CancellationToken.None);
        var reader = await ChangeReader.OpenAsync(TargetPath, 2, null, CancellationToken.None);
        _owned.AddRange([applier, quarantine, reader]);
        var logger = Log.CreateLogger("consumer");
        var log = _target.OpenReplicationLog(Topology, new ReplicationLogConfig(), logger);
        var consumer = new ShardConsumer(2, new OwnStreamSequences(), 1, log, applier, quarantine,
            new StreamGapRecovery(null, new OwnStreamSequences(), TargetPath, logger), new NodeCounters(), logger);
        await consumer.LoadPositionAsync(CancellationToken.None);
        Consuming = Task.Run(() => consumer.RunAsync(_stop.Token, CancellationToken.None));
    }

    public ulong TargetPosition() =>
        (ulong)(long)(SnapshotTesting.Scalar(TargetPath, $"SELECT coalesce(max(sequence), 0) FROM {SnapshotTesting.Q(CaptureArtifactNames.StreamPositions)} WHERE stream = '{Stream}'") ?? 0L);

    public long TargetRows() => (long)SnapshotTesting.Scalar(TargetPath, "SELECT count(*) FROM t")!;

    /// <summary>Waits until node 2 applied the stream up to <paramref name="position"/>; fails at once when its consumer stopped.</summary>
    public Task WaitForTargetAsync(ulong position, TimeSpan? timeout = null) =>
        Eventually.WaitUntilAsync(() => TargetPosition() >= position || Consuming.IsCompleted, $"node 2 applying {Stream} up to #{position}", timeout ?? TimeSpan.FromSeconds(60),
            () => $"position {TargetPosition()}, consumer {(Consuming.IsFaulted ? "failed: " + Consuming.Exception!.GetBaseException().Message : Consuming.Status.ToString())}; log: {string.Join(" | ", Log.Entries.Select(e => e.Message).TakeLast(12))}")
            .ContinueWith(t =>
            {
                if (Consuming.IsFaulted) throw new Xunit.Sdk.XunitException($"node 2's consumer stopped: {Consuming.Exception!.GetBaseException().Message}");
                t.GetAwaiter().GetResult();
            }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Consuming.WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (Exception) { }
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
        if (_source is not null) await _source.DisposeAsync();
        if (_target is not null) await _target.DisposeAsync();
        _stop.Dispose();
        _directory.Dispose();
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
