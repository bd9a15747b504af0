using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Consuming;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Publishing;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.Engine.Tests.Messaging;
using HarmonyLite.Engine.Tests.Snapshots;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Consuming;

/// <summary>
/// A running consumer that is handed a message past one it never applied (the stream dropped messages while the node
/// was behind) must not skip them silently: it merges a snapshot that holds them, stops with what to do when there is
/// none, and goes on quietly when the dropped messages were its own. Real nats-server, real SQLite files.
/// </summary>
public sealed class StreamGapTests : IClassFixture<NatsServerFixture>
{
    private const string Schema = "CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, v TEXT NOT NULL);";

    /// <summary>The stream keeps this many messages; the source publishes more, so the first ones are gone.</summary>
    private const long MaxEntries = 5;

    private readonly NatsServerFixture _nats;

    public StreamGapTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task A_node_past_dropped_messages_merges_the_snapshot_that_holds_them_keeping_its_newer_rows_and_applies_the_rest()
    {
        await using var scene = await Scene.CreateAsync(_nats.Url);
        await scene.WriteOnTargetAsync("INSERT INTO t VALUES (2, 'target, older than the source delete');");
        await scene.PublishFromSourceAsync(Enumerable.Range(1, 12).Select(i => $"INSERT INTO t VALUES ({i}, 'source {i}');").Append("DELETE FROM t WHERE id = 2;"));
        await scene.WriteOnTargetAsync("INSERT INTO t VALUES (3, 'target, newer') ON CONFLICT(id) DO UPDATE SET v = excluded.v; INSERT INTO t VALUES (100, 'target only');");
        var snapshot = await scene.SaveSnapshotOfSourceAsync();
        await scene.PublishFromSourceAsync(["INSERT INTO t VALUES (14, 'source 14');", "UPDATE t SET v = 'source, updated after the snapshot' WHERE id = 1;"]);
        Assert.Equal(15UL, snapshot.Positions[scene.Stream] + 2);
        var pendingOnTarget = await scene.CountTargetPendingAsync();

        var run = scene.RunTargetConsumer(snapshots: true);
        await scene.WaitForTargetPositionAsync(15, run);
        await scene.StopAsync(run);

        Assert.Equal(
            ["1|source, updated after the snapshot", "3|target, newer", .. Enumerable.Range(4, 9).Select(i => $"{i}|source {i}"), "14|source 14", "100|target only"],
            scene.TargetRows());
        Assert.Contains(scene.Log.Entries, e => e.Message.Contains($"dropped messages 1 to 10 before this node applied them", StringComparison.Ordinal));
        Assert.Contains(scene.Log.Entries, e => e.Message.Contains($"Merged snapshot {snapshot.Id}", StringComparison.Ordinal));
        // The merge wrote with capture silenced: only the target's own writes wait to be published.
        Assert.Equal(pendingOnTarget, await scene.CountTargetPendingAsync());
    }

    [Fact]
    public async Task A_node_past_dropped_messages_without_snapshots_stops_saying_what_to_do_and_changes_nothing()
    {
        await using var scene = await Scene.CreateAsync(_nats.Url);
        await scene.WriteOnTargetAsync("INSERT INTO t VALUES (100, 'target only');");
        await scene.PublishFromSourceAsync(Enumerable.Range(1, 8).Select(i => $"INSERT INTO t VALUES ({i}, 'source {i}');"));

        var run = scene.RunTargetConsumer(snapshots: false);
        var stopped = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => run.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        await scene.StopAsync(run);

        Assert.Contains("dropped messages 1 to 3 before this node applied them", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("snapshot.enabled = false", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(scene.Stream, stopped.Stream);
        Assert.Equal(0UL, stopped.Position);
        Assert.Equal(["100|target only"], scene.TargetRows());
        Assert.Equal(0L, SnapshotTesting.Scalar(scene.TargetPath, $"SELECT count(*) FROM {SnapshotTesting.Q(CaptureArtifactNames.StreamPositions)}"));
    }

    [Fact]
    public async Task A_node_past_dropped_messages_that_no_snapshot_holds_yet_waits_for_one_and_merges_it_once_saved()
    {
        await using var scene = await Scene.CreateAsync(_nats.Url);
        await scene.PublishFromSourceAsync(Enumerable.Range(1, 8).Select(i => $"INSERT INTO t VALUES ({i}, 'source {i}');"));

        var run = scene.RunTargetConsumer(snapshots: true);
        await Eventually.WaitUntilAsync(() => run.Task.IsCompleted || scene.Log.Entries.Any(e => e.Message.Contains("asking again", StringComparison.Ordinal)),
            "the target waiting for a snapshot", describe: () => $"{run.Task.Exception?.GetBaseException().Message}; log: {string.Join(" | ", scene.Log.Entries.Select(e => e.Message))}");
        Assert.False(run.Task.IsCompleted, "the target stopped instead of waiting for a snapshot");
        var snapshot = await scene.SaveSnapshotOfSourceAsync();
        await scene.WaitForTargetPositionAsync(8, run);
        await scene.StopAsync(run);

        Assert.True(run.Task.IsCompletedSuccessfully, $"the consumer failed: {run.Task.Exception?.GetBaseException().Message}");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"{i}|source {i}"), scene.TargetRows());
        Assert.Contains(scene.Log.Entries, e => e.Message.Contains($"Merged snapshot {snapshot.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_past_dropped_messages_that_no_snapshot_holds_within_the_wait_stops_saying_how_long_it_waited()
    {
        await using var scene = await Scene.CreateAsync(_nats.Url);
        await scene.WriteOnTargetAsync("INSERT INTO t VALUES (100, 'target only');");
        await scene.PublishFromSourceAsync(Enumerable.Range(1, 8).Select(i => $"INSERT INTO t VALUES ({i}, 'source {i}');"));

        var run = scene.RunTargetConsumer(snapshots: true, snapshotWait: TimeSpan.FromSeconds(2));
        var stopped = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => run.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        await scene.StopAsync(run);

        Assert.Contains("dropped messages 1 to 3 before this node applied them", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("held them within 2 s", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("Save-HarmonySnapshot", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(["100|target only"], scene.TargetRows());
    }

    [Fact]
    public async Task A_node_whose_own_messages_were_dropped_before_its_consumer_passed_them_goes_on_without_a_snapshot()
    {
        await using var scene = await Scene.CreateAsync(_nats.Url);
        await scene.PublishFromSourceAsync(Enumerable.Range(1, 8).Select(i => $"INSERT INTO t VALUES ({i}, 'source {i}');"));

        var run = scene.RunSourceConsumer();
        await Eventually.WaitUntilAsync(() => scene.SourcePosition() == 8 || run.Task.IsCompleted, "the source's consumer passing its own 8 messages",
            describe: () => $"position {scene.SourcePosition()}; {run.Task.Exception?.GetBaseException().Message}");
        await scene.StopAsync(run);
        Assert.DoesNotContain(scene.Log.Entries, e => e.Message.Contains("snapshot", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Own_sequences_cover_a_range_only_when_every_sequence_in_it_was_published_here_and_are_forgotten_once_passed()
    {
        var own = new OwnStreamSequences();
        foreach (var sequence in new ulong[] { 3, 4, 5, 7 }) own.Add("s", sequence);
        Assert.True(own.ContainsAll("s", 3, 5));
        Assert.False(own.ContainsAll("s", 3, 7));
        Assert.False(own.ContainsAll("other", 3, 3));
        Assert.True(own.ContainsAll("s", 6, 5)); // an empty range
        own.ForgetThrough("s", 4);
        Assert.False(own.ContainsAll("s", 4, 4));
        Assert.True(own.ContainsAll("s", 5, 5));
    }

    /// <summary>A source node that publishes, a target node that consumes, a stream keeping <see cref="MaxEntries"/> messages and a snapshot directory.</summary>
    private sealed class Scene : IAsyncDisposable
    {
        private readonly TempDirectory _directory = new("harmonylite-gap");
        private readonly OwnStreamSequences _sourceOwn = new();
        private MessagingConnection _connection = null!;
        private ReplicationLog _log = null!;
        private ReplicationTopology _topology = null!;

        public TestLoggerFactory Log { get; } = new();
        public string SourcePath => _directory.File("source.db");
        public string TargetPath => _directory.File("target.db");
        public string StoreDirectory => _directory.File("snapshots");
        public string Stream => _topology.StreamName(1);

        public static async Task<Scene> CreateAsync(string url)
        {
            var scene = new Scene();
            foreach (var (path, node) in new[] { (scene.SourcePath, 1L), (scene.TargetPath, 2L) })
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
            var prefix = SnapshotTesting.UniquePrefix("gap");
            scene._topology = new ReplicationTopology(prefix, prefix + "-subject", 1);
            scene._connection = await TestMessaging.ConnectAsync(url);
            scene._log = scene._connection.OpenReplicationLog(scene._topology, new ReplicationLogConfig { MaxEntries = MaxEntries }, scene.Log.CreateLogger("streams"));
            await scene._log.EnsureStreamsAsync(CancellationToken.None);
            return scene;
        }

        public async Task WriteOnTargetAsync(string sql)
        {
            using var connection = SnapshotTesting.Open(TargetPath);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>Each statement its own transaction, published before the next, so each is its own stream message.</summary>
        public async Task PublishFromSourceAsync(IEnumerable<string> statements)
        {
            await using var capture = await CaptureInstaller.OpenAsync(SourcePath, 1, null, CancellationToken.None);
            await using var reader = await ChangeReader.OpenAsync(SourcePath, 1, null, CancellationToken.None);
            using var watcher = new DatabaseChangeWatcher(SourcePath, TimeSpan.FromSeconds(1));
            var publisher = new ChangePublisher(new ChangePublisherSettings(1, _topology, 512, TimeSpan.FromHours(1), Compress: true, Publish: true),
                reader, capture, _log, watcher, new NodeCounters(), Log.CreateLogger("publisher"), _sourceOwn);
            foreach (var statement in statements)
            {
                using (var connection = SnapshotTesting.Open(SourcePath))
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = statement;
                    await command.ExecuteNonQueryAsync();
                }
                Assert.Equal(1, await publisher.PublishPendingAsync(CancellationToken.None, CancellationToken.None));
            }
        }

        /// <summary>The source's consumer passes its own messages up to the stream's end, then saves a snapshot of the source.</summary>
        public async Task<SnapshotMetadata> SaveSnapshotOfSourceAsync()
        {
            var last = (await _log.ReadRangeAsync(Stream, CancellationToken.None)).LastSequence;
            await using (var applier = await ChangeApplier.OpenAsync(SourcePath, null, CancellationToken.None))
                await applier.SkipAsync(Stream, last, CancellationToken.None);
            await using var snapshots = await SnapshotService.OpenAsync(SnapshotTesting.FileStoreConfig(SourcePath, 1, StoreDirectory), Log, CancellationToken.None);
            return await snapshots.SaveAsync(CancellationToken.None);
        }

        public async Task<long> CountTargetPendingAsync()
        {
            await using var reader = await ChangeReader.OpenAsync(TargetPath, 2, null, CancellationToken.None);
            return await reader.CountPendingAsync(CancellationToken.None);
        }

        public ConsumerRun RunTargetConsumer(bool snapshots, TimeSpan? snapshotWait = null) =>
            Run(TargetPath, 2, snapshots, new OwnStreamSequences(), snapshotWait);

        public ConsumerRun RunSourceConsumer() => Run(SourcePath, 1, snapshots: false, _sourceOwn, null);

        private ConsumerRun Run(string path, long node, bool snapshots, OwnStreamSequences own, TimeSpan? snapshotWait)
        {
            var stop = new CancellationTokenSource();
            var task = Task.Run(async () =>
            {
                var service = snapshots ? await SnapshotService.OpenAsync(SnapshotTesting.FileStoreConfig(path, node, StoreDirectory), Log, CancellationToken.None) : null;
                await using var applier = await ChangeApplier.OpenAsync(path, null, CancellationToken.None);
                await using var quarantine = await QuarantineStore.OpenAsync(path, null, CancellationToken.None);
                await using var reader = await ChangeReader.OpenAsync(path, node, null, CancellationToken.None);
                try
                {
                    var logger = Log.CreateLogger("consumer");
                    var consumer = new ShardConsumer(node, new OwnStreamSequences(), 1, _log, applier, quarantine,
                        new StreamGapRecovery(service, own, path, logger, snapshotWait), new NodeCounters(), logger);
                    await consumer.LoadPositionAsync(CancellationToken.None);
                    await consumer.RunAsync(stop.Token, CancellationToken.None);
                }
                finally
                {
                    if (service is not null) await service.DisposeAsync();
                }
            });
            return new ConsumerRun(task, stop);
        }

        public async Task WaitForTargetPositionAsync(ulong position, ConsumerRun run) =>
            await Eventually.WaitUntilAsync(() => TargetPosition() == position || run.Task.IsCompleted, $"the target applying the stream up to {position}",
                describe: () => $"position {TargetPosition()}; {run.Task.Exception?.GetBaseException().Message}; log: {string.Join(" | ", Log.Entries.Select(e => e.Message))}");

        public ulong TargetPosition() => Position(TargetPath);

        public ulong SourcePosition() => Position(SourcePath);

        private ulong Position(string path) =>
            (ulong)(long)(SnapshotTesting.Scalar(path, $"SELECT coalesce(max(sequence), 0) FROM {SnapshotTesting.Q(CaptureArtifactNames.StreamPositions)} WHERE stream = '{Stream}'") ?? 0L);

        public List<string> TargetRows() => SnapshotTesting.Query(TargetPath, "SELECT id, v FROM t ORDER BY id").Select(r => $"{r[0]}|{r[1]}").ToList();

        /// <summary>Stops the consumer; a run that failed throws here only through <see cref="ConsumerRun.Task"/>, which the test checks.</summary>
        public async Task StopAsync(ConsumerRun run)
        {
            await run.Stop.CancelAsync();
            try { await run.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (ReplicationLogTruncatedException) { }
            run.Stop.Dispose();
            Assert.True(run.Task.IsCompleted, "the consumer did not stop within 30 s");
            if (run.Task.Exception?.GetBaseException() is { } failure and not ReplicationLogTruncatedException) throw failure;
        }

        public async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            Log.Dispose();
            _directory.Dispose();
        }
    }

    private sealed record ConsumerRun(Task Task, CancellationTokenSource Stop);
}
