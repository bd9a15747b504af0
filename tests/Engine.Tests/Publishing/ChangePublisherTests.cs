using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Publishing;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Engine.Tests.Messaging;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HarmonyLite.Engine.Tests.Publishing;

public sealed class ChangePublisherTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _nats;

    public ChangePublisherTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task Publishing_goes_on_while_an_application_holds_the_write_lock_past_the_busy_timeout()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        await using var under = await PublisherUnderTest.OpenAsync(_nats.Url, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);", "busy",
            new SqliteConnectionOptions { BusyTimeout = TimeSpan.FromMilliseconds(100) });
        var (publisher, reader, log, topology, logger) = (under.Publisher, under.Reader, under.Log, under.Topology, under.Logger);

        // An application writes a row and keeps its write transaction open, far longer than the reader's busy timeout.
        await using var application = new SqliteConnection($"Data Source={db};Pooling=False");
        await application.OpenAsync();
        await ExecuteAsync(application, "INSERT INTO t(v) VALUES ('before');");
        var transaction = application.BeginTransaction(deferred: false);
        await ExecuteAsync(application, "INSERT INTO t(v) VALUES ('held');", transaction);

        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token, CancellationToken.None);
        // Reading takes no lock and publishing writes nothing to the database: the committed row goes out meanwhile.
        await Eventually.WaitUntilAsync(async () => (await log.ReadRangeAsync(topology.StreamName(1), CancellationToken.None)).Messages >= 1,
            "the committed row published while the application holds the lock", describe: () => Task.FromResult(string.Join(" | ", logger.Messages)));
        Assert.False(run.IsCompleted, run.Exception?.ToString());

        await transaction.CommitAsync();
        await Eventually.WaitUntilAsync(async () => (await log.ReadRangeAsync(topology.StreamName(1), CancellationToken.None)).Messages >= 2
                && await reader.CountPendingAsync(CancellationToken.None) == 0,
            "both rows published once the lock is released", describe: () => Task.FromResult(string.Join(" | ", logger.Messages)));

        stop.Cancel();
        await run;
    }

    [Fact]
    public async Task A_group_of_changes_too_large_for_one_message_is_published_in_parts()
    {
        using var dir = new TempDirectory();
        // Rows already there when capture is installed: it captures them, and the reader sees them as one group whose
        // transaction boundaries it never saw, 2.4 MB in all, more than nats-server's default max_payload of 1 MB.
        await using var under = await PublisherUnderTest.OpenAsync(_nats.Url, dir.File("app.db"), "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);"
            + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 24) INSERT INTO t SELECT i, randomblob(100000) FROM n;", "parts");
        var (publisher, reader, log, topology, logger) = (under.Publisher, under.Reader, under.Log, under.Topology, under.Logger);

        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token, CancellationToken.None);
        await Eventually.WaitUntilAsync(async () => await reader.CountPendingAsync(CancellationToken.None) == 0,
            "all 24 rows published", describe: () => Task.FromResult(string.Join(" | ", logger.Messages)));
        stop.Cancel();
        await run;

        Assert.True((await log.ReadRangeAsync(topology.StreamName(1), CancellationToken.None)).Messages >= 3, "published in at least 3 parts");
        Assert.Single(logger.Messages, m => m.Contains("publishing them in parts", StringComparison.Ordinal));
    }

    /// <summary>A database made with some SQL, capture installed on it, and a publisher to a stream of its own.</summary>
    private sealed class PublisherUnderTest : IAsyncDisposable
    {
        private CaptureInstaller _capture = null!;
        private MessagingConnection _connection = null!;
        private DatabaseChangeWatcher _watcher = null!;

        public ChangeReader Reader { get; private set; } = null!;
        public ReplicationLog Log { get; private set; } = null!;
        public ReplicationTopology Topology { get; private set; } = null!;
        public ChangePublisher Publisher { get; private set; } = null!;
        public ListLogger Logger { get; } = new();

        public static async Task<PublisherUnderTest> OpenAsync(string natsUrl, string db, string schema, string name, SqliteConnectionOptions? readerOptions = null)
        {
            await using (var setup = new SqliteConnection($"Data Source={db};Pooling=False"))
            {
                await setup.OpenAsync();
                await ExecuteAsync(setup, schema);
            }
            var under = new PublisherUnderTest();
            under._capture = await CaptureInstaller.OpenAsync(db, 1, null, CancellationToken.None);
            await under._capture.InstallAsync(CancellationToken.None);
            under.Reader = await ChangeReader.OpenAsync(db, 1, readerOptions, CancellationToken.None);
            under._connection = await TestMessaging.ConnectAsync(natsUrl);
            under.Topology = TestMessaging.UniqueTopology(name);
            under.Log = under._connection.OpenReplicationLog(under.Topology, new HarmonyLite.Engine.Configuration.ReplicationLogConfig(), new ListLogger());
            await under.Log.EnsureStreamsAsync(CancellationToken.None);
            under._watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMilliseconds(50));
            under.Publisher = new ChangePublisher(new ChangePublisherSettings(1, under.Topology, 512, TimeSpan.FromSeconds(5), Compress: true, Publish: true),
                under.Reader, under._capture, under.Log, under._watcher, new NodeCounters(), under.Logger);
            return under;
        }

        public async ValueTask DisposeAsync()
        {
            _watcher?.Dispose();
            if (_connection is not null) await _connection.DisposeAsync();
            if (Reader is not null) await Reader.DisposeAsync();
            if (_capture is not null) await _capture.DisposeAsync();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _messages = new();

        public IReadOnlyList<string> Messages { get { lock (_messages) return _messages.ToList(); } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
