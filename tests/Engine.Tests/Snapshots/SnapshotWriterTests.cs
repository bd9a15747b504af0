using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;
using static HarmonyLite.Engine.Tests.Snapshots.SnapshotTesting;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class SnapshotWriterTests
{
    private const string Schema = """
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER);
        CREATE TABLE remote(id INTEGER PRIMARY KEY, origin TEXT NOT NULL);
        """;
    private const string Stream = "orders-1";
    private const int RowsPerTransaction = 10;

    [Fact]
    public async Task A_snapshot_taken_while_writers_and_the_applier_run_holds_whole_transactions_and_its_positions()
    {
        await using var source = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        // 24 MB of rows no trigger captures: the page copy takes several steps, and the writers commit between them.
        await source.Database.ExecuteAsync("""
            CREATE TABLE padding(body BLOB NOT NULL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
            INSERT INTO padding(body) SELECT randomblob(4000) FROM n;
            """);
        await using (var quarantine = await QuarantineStore.OpenAsync(source.Path, null, CancellationToken.None))
            await quarantine.AddAsync("orders-2", 7, new byte[] { 1, 2, 3 }, "bad message", 3, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var localTransactions = 0;
        var applied = 0;
        var writer = Task.Run(async () =>
        {
            // An application writing its own rows, RowsPerTransaction per transaction, on its own connection.
            await using var connection = Open(source.Path);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                for (var i = 0; i < RowsPerTransaction; i++)
                {
                    await using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO items(id, name, qty) VALUES ($id, $name, $qty)";
                    insert.Parameters.AddWithValue("$id", n * RowsPerTransaction + i);
                    insert.Parameters.AddWithValue("$name", $"item {n}/{i} {Guid.NewGuid()}");
                    insert.Parameters.AddWithValue("$qty", n * i);
                    await insert.ExecuteNonQueryAsync();
                }
                await transaction.CommitAsync();
                Interlocked.Increment(ref localTransactions);
                // A pause between transactions, as real writers have: SQLite's busy handler sleeps, so a writer that
                // never lets go of the lock would starve the other connection (the applier pauses likewise).
                await Task.Delay(1);
            }
        });
        var applier = Task.Run(async () =>
        {
            // Another node's changes arriving from the stream: message n inserts remote row n, with its position.
            await using var apply = await ChangeApplier.OpenAsync(source.Path, null, CancellationToken.None);
            for (var sequence = 1UL; !stop.IsCancellationRequested; sequence++)
            {
                var change = new RowChange("remote", ChangeOperation.Insert, new RowVersion((long)sequence << RowVersion.LogicalBits, 2),
                    [new ColumnValue("id", (long)sequence), new ColumnValue("origin", $"node 2 message {sequence}")]);
                await apply.ApplyAsync(new ChangeBatch(2, $"2-x-{sequence}", [change]), Stream, sequence, CancellationToken.None);
                Interlocked.Increment(ref applied);
                await Task.Delay(1);
            }
        });

        string Progress() => $"{Volatile.Read(ref localTransactions)} local transactions ({writer.Exception?.GetBaseException().Message ?? writer.Status.ToString()}), "
            + $"{Volatile.Read(ref applied)} applied ({applier.Exception?.GetBaseException().Message ?? applier.Status.ToString()})";
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref localTransactions) >= 30 && Volatile.Read(ref applied) >= 30, "writers under way", describe: Progress);
        SnapshotFile snapshot;
        try
        {
            snapshot = await SnapshotWriter.WriteAsync(source.Path, 1, null, CancellationToken.None);
            var afterSnapshot = Volatile.Read(ref localTransactions);
            await Eventually.WaitUntilAsync(() => Volatile.Read(ref localTransactions) > afterSnapshot + 5, "writers continue after the snapshot", describe: Progress);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writer, applier);
        }

        await using (snapshot)
        {
            var copy = snapshot.Path;
            Assert.Equal(Path.GetDirectoryName(source.Path), Path.GetDirectoryName(copy));
            Assert.Equal("ok", IntegrityCheck(copy));
            Assert.Equal("delete", Scalar(copy, "PRAGMA journal_mode"));

            // Whole transactions only, each row as the source has it (the source never changes a row once written).
            var items = Query(copy, "SELECT id, name, qty FROM items ORDER BY id");
            Assert.NotEmpty(items);
            Assert.Equal(0, items.Count % RowsPerTransaction);
            Assert.Equal(Enumerable.Range(0, items.Count).Select(i => (long)i), items.Select(r => (long)r[0]!));
            var sourceItems = Query(source.Path, $"SELECT id, name, qty FROM items WHERE id < {items.Count} ORDER BY id");
            Assert.Equal(sourceItems.Select(TestRow), items.Select(TestRow));
            Assert.True((long)Scalar(source.Path, "SELECT count(*) FROM items")! > items.Count, "the source went on after the snapshot");

            // The recorded position is exactly what the copy applied.
            var position = Assert.Single(snapshot.Metadata.Positions);
            Assert.Equal(Stream, position.Key);
            Assert.Equal((long)position.Value, (long)Scalar(copy, $"SELECT sequence FROM {Q(CaptureArtifactNames.StreamPositions)} WHERE stream = '{Stream}'")!);
            Assert.Equal(Enumerable.Range(1, (int)position.Value).Select(i => (long)i), Query(copy, "SELECT id FROM remote ORDER BY id").Select(r => (long)r[0]!));

            // The change log and node-local state are gone; the row versions stay.
            Assert.Equal(0L, Scalar(copy, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Changes)}"));
            Assert.Equal((long)items.Count, Scalar(copy, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Versions("items"))}"));
            Assert.Equal(0L, Scalar(copy, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Quarantine)}"));
            Assert.Equal(0L, Scalar(copy, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Silence)}"));
            Assert.Equal(0L, Scalar(copy, $"SELECT seq FROM {Q(CaptureArtifactNames.Published)}"));
            Assert.Equal(0L, Scalar(copy, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Meta)} WHERE key IN ('{CaptureArtifactNames.MetaNodeIdKey}', '{CaptureArtifactNames.MetaCaptureIdKey}')"));
            Assert.True((long)Scalar(source.Path, $"SELECT count(*) FROM {Q(CaptureArtifactNames.Changes)}")! > 0, "the source keeps its change log");

            // Size and digest describe the file.
            var info = new FileInfo(copy);
            Assert.Equal(info.Length, snapshot.Metadata.Size);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(copy))), snapshot.Metadata.Sha256);
            Assert.Equal(1, snapshot.Metadata.NodeId);
            Assert.StartsWith(snapshot.Metadata.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss"), snapshot.Metadata.Id);
        }
        Assert.False(File.Exists(snapshot.Path), "disposing the snapshot file deletes it");
    }

    [Fact]
    public async Task The_schema_hash_follows_the_user_schema_only()
    {
        await using var first = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await using var second = await CapturedDatabase.CreateAsync(Schema, nodeId: 2);
        await first.Database.ExecuteAsync("INSERT INTO items VALUES (1, 'only here', 1)");

        string HashOf(SnapshotFile file) => file.Metadata.SchemaHash;
        await using var a = await SnapshotWriter.WriteAsync(first.Path, 1, null, CancellationToken.None);
        await using var b = await SnapshotWriter.WriteAsync(second.Path, 2, null, CancellationToken.None);
        Assert.Equal(HashOf(a), HashOf(b));
        Assert.Matches("^[0-9a-f]{64}$", HashOf(a));

        await second.Database.ExecuteAsync("CREATE INDEX items_by_name ON items(name)");
        await using var c = await SnapshotWriter.WriteAsync(second.Path, 2, null, CancellationToken.None);
        Assert.NotEqual(HashOf(a), HashOf(c));
    }

    [Fact]
    public async Task A_database_without_capture_snapshots_with_no_positions()
    {
        using var dir = new TempDirectory();
        var db = dir.File("plain.db");
        await Sqlite.SqliteCli.RunAsync(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'a');");

        await using var snapshot = await SnapshotWriter.WriteAsync(db, 5, null, CancellationToken.None);

        Assert.Empty(snapshot.Metadata.Positions);
        Assert.Equal("a", Scalar(snapshot.Path, "SELECT v FROM t"));
    }

    [Fact]
    public async Task A_missing_database_is_reported_and_leaves_no_file()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => SnapshotWriter.WriteAsync(dir.File("absent.db"), 1, null, CancellationToken.None));
        Assert.Contains("absent.db", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    private static string TestRow(object?[] row) => Sqlite.TestDatabase.FormatRow(row);
}
