using System.Management.Automation;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Capture;
using HarmonyLite.PowerShell.Convergence;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Module.Tests.Errors;

/// <summary>Engine, NATS, SQLite and module failures become PowerShell errors scripts can tell apart.</summary>
public sealed class ErrorClassificationTests : IDisposable
{
    private readonly TempDirectory _directory = new("module-errors");

    public static TheoryData<Exception, ErrorCategory, string> EngineExceptions => new()
    {
        { new DatabaseInUseException("/data/app.db", ["sqlite3 (pid 7)"]), ErrorCategory.ResourceBusy, "DatabaseInUse" },
        { new SnapshotIntegrityException("digest mismatch"), ErrorCategory.InvalidData, "SnapshotIntegrity" },
        { new SnapshotNotFoundException("20250101T000000.000Z-1", "snapshot directory /b"), ErrorCategory.ObjectNotFound, "SnapshotNotFound" },
        { new SnapshotStoreUnavailableException("no NATS server to connect to"), ErrorCategory.ConnectionError, "SnapshotStoreUnavailable" },
        { new ReplicationLogTruncatedException("/data/app.db", "changes-1", 10, 500, "gap"), ErrorCategory.ResourceUnavailable, "ReplicationLogTruncated" },
        { new MessagingUnavailableException("no server"), ErrorCategory.ConnectionError, "NatsConnection" },
        { new MessagingAuthenticationException("nats://a:4222", "refused"), ErrorCategory.AuthenticationError, "NatsAuthorization" },
        { new MessagingSettingsException("nats.seed_file", "unreadable"), ErrorCategory.InvalidArgument, "InvalidNatsSettings" },
        { new MessagePayloadTooLargeException("changes-1", 9_000_000, 1_048_576, "too large"), ErrorCategory.LimitsExceeded, "NatsPayloadTooLarge" },
        { new MessagingRefusedException(MessagingRefusal.LimitReached, "stream x", "insufficient resources"), ErrorCategory.QuotaExceeded, "JetStreamApi" },
        { new MessagingRefusedException(MessagingRefusal.NotFound, "stream x", "stream not found"), ErrorCategory.ObjectNotFound, "JetStreamApi" },
        { new MessagingRefusedException(MessagingRefusal.NotEnabled, "stream x", "jetstream not enabled"), ErrorCategory.NotEnabled, "JetStreamNotEnabled" },
        { new StoredObjectDamagedException("snaps", "s.db", "digest mismatch"), ErrorCategory.InvalidData, "SnapshotIntegrity" },
        { new NatsServerNotFoundException("nats-server was not found.", ["/usr/sbin/nats-server"]), ErrorCategory.NotInstalled, "NatsServerNotFound" },
        { new EmbeddedNatsServerStartException("port in use"), ErrorCategory.ResourceUnavailable, "EmbeddedNatsServerStart" },
        { new HarmonyNodeException("The database does not exist."), ErrorCategory.ResourceUnavailable, "NodeFailed" },
        { new HarmonyNodeException("The publisher failed", new MessagingUnavailableException("lost")), ErrorCategory.ConnectionError, "NodeFailed" },
        { new UnknownTableException("changes-1", 4, "Books", "no such table"), ErrorCategory.InvalidData, "ChangeApply" },
        { new OperationCanceledException(), ErrorCategory.OperationStopped, "OperationStopped" },
        { new UnauthorizedAccessException("denied"), ErrorCategory.PermissionDenied, "AccessDenied" },
        { new FileNotFoundException("missing", "/data/app.db"), ErrorCategory.ObjectNotFound, "FileNotFound" },
        { new AggregateException(new TimeoutException("slow")), ErrorCategory.OperationTimeout, "Timeout" },
        { new FormatException("odd"), ErrorCategory.NotSpecified, "UnexpectedError" },
    };

    [Theory]
    [MemberData(nameof(EngineExceptions))]
    public void Engine_exceptions_map_to_categories(Exception exception, ErrorCategory category, string errorId)
    {
        var classification = ErrorClassification.Of(exception);
        Assert.Equal(category, classification.Category);
        Assert.Equal(errorId, classification.ErrorId);
    }

    [Fact]
    public void A_bad_configuration_is_an_invalid_argument_about_its_file()
    {
        var error = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Parse("[replication_log]\nshards = \"two\"\n"u8, "node-1.toml"));
        var classification = ErrorClassification.Of(error);
        Assert.Equal(ErrorCategory.InvalidArgument, classification.Category);
        Assert.Equal("InvalidConfiguration", classification.ErrorId);
        Assert.Equal("node-1.toml", classification.Target);
    }

    [Fact]
    public void The_exception_names_the_target_when_it_knows_it()
    {
        Assert.Equal("/data/app.db", ErrorClassification.Of(new DatabaseInUseException("/data/app.db", ["x"])).Target);
        Assert.Equal("snap-1", ErrorClassification.Of(new SnapshotNotFoundException("snap-1", "store")).Target);
        Assert.Equal("nats.cert_file", ErrorClassification.Of(new MessagingSettingsException("nats.cert_file", "x")).Target);
        Assert.Equal("nats://a:4222", ErrorClassification.Of(new MessagingAuthenticationException("nats://a:4222", "x")).Target);
    }

    [Fact]
    public async Task A_database_without_capture_says_how_to_install_it()
    {
        var database = CreateDatabase("plain.db", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => QuarantineStore.OpenAsync(database, null, CancellationToken.None));
        var classification = ErrorClassification.Of(error);
        Assert.Equal(ErrorCategory.NotInstalled, classification.Category);
        Assert.Equal("CaptureNotInstalled", classification.ErrorId);
        Assert.Contains("Install-HarmonyTriggers", classification.RecommendedAction);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_invalid_data()
    {
        var path = _directory.File("notes.db");
        File.WriteAllText(path, new string('x', 4096));
        var error = Assert.Throws<SqliteException>(() => Query(path, "SELECT count(*) FROM sqlite_schema"));
        Assert.Equal((ErrorCategory.InvalidData, "SqliteNotADatabase"), Pair(ErrorClassification.Of(error)));
    }

    [Fact]
    public void A_locked_database_is_busy()
    {
        var path = CreateDatabase("locked.db", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        using var holder = Open(path, defaultTimeout: 30);
        using var transaction = holder.BeginTransaction(deferred: false);
        using (var write = holder.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "INSERT INTO t VALUES (1)";
            write.ExecuteNonQuery();
        }
        var error = Assert.Throws<SqliteException>(() => Query(path, "INSERT INTO t VALUES (2)", defaultTimeout: 1));
        var classification = ErrorClassification.Of(error);
        Assert.Equal((ErrorCategory.ResourceBusy, "SqliteBusy"), Pair(classification));
        Assert.NotNull(classification.RecommendedAction);
    }

    [Fact]
    public void A_database_that_cannot_be_opened_is_an_open_error()
    {
        var path = _directory.File(Path.Combine("missing-dir", "app.db"));
        var error = Assert.Throws<SqliteException>(() => Query(path, "SELECT 1", mode: SqliteOpenMode.ReadOnly));
        Assert.Equal((ErrorCategory.OpenError, "SqliteCannotOpen"), Pair(ErrorClassification.Of(error)));
    }

    [Fact]
    public void The_modules_own_errors_carry_their_category_and_target()
    {
        var node = new SessionNode("/etc/node-3.toml", new HarmonyConfig { NodeId = 3, DbPath = "/data/three.db" });
        Assert.Equal((ErrorCategory.ResourceExists, "NodeAlreadyRunning", (object)3L), Triple(new NodeAlreadyRunningException(node)));
        Assert.Equal((ErrorCategory.ObjectNotFound, "NodeNotFound", (object)9L), Triple(new SessionNodeNotFoundException(9)));
        Assert.Equal((ErrorCategory.ResourceBusy, "DatabaseInUseByNode", (object)"/data/three.db"), Triple(new DatabaseInUseByNodeException(node, "restore")));
        var refusal = new Engine.Capture.CaptureRefusal(Engine.Capture.CaptureRefusalKind.NoPrimaryKey, "no primary key");
        Assert.Equal((ErrorCategory.InvalidData, "TableRefused", (object)"Logs"), Triple(new TableRefusedException("/data/three.db", "Logs", refusal)));
        var timeout = new ConvergenceTimeoutException(TimeSpan.FromSeconds(1), [new ReplicaDigest("/a.db", "abc", new Dictionary<string, long>(), null)]);
        Assert.Equal(ErrorCategory.OperationTimeout, ErrorClassification.Of(timeout).Category);
    }

    private static (ErrorCategory, string) Pair(PowerShell.Isolated.Errors.EngineErrorClass c) => (c.Category, c.ErrorId);

    private static (ErrorCategory, string, object?) Triple(Exception e)
    {
        var classification = ErrorClassification.Of(e);
        return (classification.Category, classification.ErrorId, classification.Target);
    }

    private string CreateDatabase(string name, string sql)
    {
        var path = _directory.File(name);
        Query(path, sql);
        return path;
    }

    private static SqliteConnection Open(string path, int defaultTimeout = 30, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = defaultTimeout, Mode = mode }.ToString());
        connection.Open();
        return connection;
    }

    private static void Query(string path, string sql, int defaultTimeout = 30, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        using var connection = Open(path, defaultTimeout, mode);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _directory.Dispose();
}
