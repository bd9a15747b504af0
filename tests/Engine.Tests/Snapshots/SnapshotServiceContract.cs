using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Inspection;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static HarmonyLite.Engine.Tests.Snapshots.SnapshotTesting;

namespace HarmonyLite.Engine.Tests.Snapshots;

/// <summary>What <see cref="SnapshotService"/> promises whatever the store; each store runs these in its own subclass.</summary>
public abstract class SnapshotServiceContract : IDisposable
{
    private const string Schema = "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL);";

    protected SnapshotServiceContract() => Directory = new TempDirectory("harmonylite-snapshot-service");

    protected TempDirectory Directory { get; }

    /// <summary>A configuration for <paramref name="nodeId"/> on <paramref name="databasePath"/>; every node of one test shares the store.</summary>
    protected abstract HarmonyConfig Config(string databasePath, long nodeId, int keep = 3);

    /// <summary>Changes one byte of the stored snapshot, the way a failing disk or a bad upload would.</summary>
    protected abstract Task CorruptAsync(SnapshotService service, SnapshotMetadata snapshot);

    /// <summary>Whether the store takes a saved file by renaming it into place, so a save need not read it back.</summary>
    protected virtual bool TakesFileByRename => false;

    protected static async Task<SnapshotService> OpenAsync(HarmonyConfig config) =>
        await SnapshotService.OpenAsync(config, NullLoggerFactory.Instance, CancellationToken.None);

    /// <summary>A node's database: capture for <paramref name="nodeId"/>, rows, and a stream position from one applied message.</summary>
    protected async Task<string> NodeDatabaseAsync(string name, long nodeId, int rows)
    {
        var path = Directory.File(name);
        await SqliteCli.RunAsync(path, "PRAGMA journal_mode = WAL;" + Schema);
        await using (var installer = await CaptureInstaller.OpenAsync(path, nodeId, null, CancellationToken.None))
            await installer.InstallAsync(CancellationToken.None);
        await SqliteCli.RunAsync(path, string.Concat(Enumerable.Range(1, rows).Select(i => $"INSERT INTO notes(id, body) VALUES ({i}, 'note {i} of {name}');")));
        await using var applier = await ChangeApplier.OpenAsync(path, null, CancellationToken.None);
        var change = new RowChange("notes", ChangeOperation.Insert, new RowVersion(1L << 40, 99), [new ColumnValue("id", 1000L), new ColumnValue("body", "from node 99")]);
        await applier.ApplyAsync(new ChangeBatch(99, "99-a-1", [change]), "notes-stream-1", 17, CancellationToken.None);
        return path;
    }

    [Fact]
    public async Task A_save_logs_its_steps_and_reads_the_stored_copy_back_unless_the_store_renamed_the_file_it_hashed()
    {
        var path = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 5);
        var logs = new TestLoggerFactory();
        await using (var service = await SnapshotService.OpenAsync(Config(path, 1), logs, CancellationToken.None))
            await service.SaveAsync(CancellationToken.None);

        var saved = Assert.Single(logs.Entries, e => e.Message.StartsWith("Saved snapshot", StringComparison.Ordinal)).Message;
        Assert.Matches(@"\(copy \d+\.\d\d s, hash \d+\.\d\d s, store \d+\.\d\d s, ", saved);
        if (TakesFileByRename)
        {
            Assert.Contains("renamed into place, not read back", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("verify", saved, StringComparison.Ordinal);
        }
        else Assert.Matches(@"verify \d+\.\d\d s\)", saved);
    }

    [Fact]
    public async Task Save_list_and_restore_onto_a_new_node()
    {
        var sourcePath = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 50);
        await using var source = await OpenAsync(Config(sourcePath, 1));
        var saved = await source.SaveAsync(CancellationToken.None);

        var listed = Assert.Single(await source.ListAsync(CancellationToken.None));
        Assert.Equal(saved, listed with { Positions = saved.Positions });
        Assert.Equal(new Dictionary<string, ulong> { ["notes-stream-1"] = 17 }, listed.Positions);
        Assert.Equal(1, listed.NodeId);

        var targetPath = Directory.File("fresh/target.db");
        await using var target = await OpenAsync(Config(targetPath, 2));
        var restored = await target.RestoreAsync(null, CancellationToken.None);

        Assert.Equal(saved.Id, restored.Id);
        Assert.Equal((await DatabaseDigest.ComputeAsync(sourcePath)).Sha256, (await DatabaseDigest.ComputeAsync(targetPath)).Sha256);
        Assert.Equal(17L, Scalar(targetPath, $"SELECT sequence FROM {Q(CaptureArtifactNames.StreamPositions)} WHERE stream = 'notes-stream-1'"));
        // Capture is installed for the restoring node: its own writes carry its id, under a new capture id.
        Assert.Equal(2L, Scalar(targetPath, $"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = '{CaptureArtifactNames.MetaNodeIdKey}'"));
        Assert.NotEqual(Scalar(sourcePath, $"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = '{CaptureArtifactNames.MetaCaptureIdKey}'"),
            Scalar(targetPath, $"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = '{CaptureArtifactNames.MetaCaptureIdKey}'"));
        await SqliteCli.RunAsync(targetPath, "INSERT INTO notes(id, body) VALUES (5000, 'written after the restore');");
        Assert.Equal(2L, Scalar(targetPath, $"SELECT node_id FROM {Q(CaptureArtifactNames.Changes)}"));
        AssertNoTemporaryFiles();
    }

    [Fact]
    public async Task Restore_replaces_an_existing_database_with_the_snapshot_asked_for()
    {
        var sourcePath = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 5);
        await using var source = await OpenAsync(Config(sourcePath, 1));
        var first = await source.SaveAsync(CancellationToken.None);
        var firstDigest = await DatabaseDigest.ComputeAsync(sourcePath);
        await SqliteCli.RunAsync(sourcePath, "DELETE FROM notes WHERE id <= 3; INSERT INTO notes VALUES (77, 'later');");
        var second = await source.SaveAsync(CancellationToken.None);
        Assert.Equal([second.Id, first.Id], (await source.ListAsync(CancellationToken.None)).Select(m => m.Id));

        var targetPath = await NodeDatabaseAsync("target.db", nodeId: 2, rows: 9);
        await using var target = await OpenAsync(Config(targetPath, 2));
        await target.RestoreAsync(first.Id, CancellationToken.None);
        Assert.Equal(firstDigest.Sha256, (await DatabaseDigest.ComputeAsync(targetPath)).Sha256);

        await target.RestoreAsync(null, CancellationToken.None);
        Assert.Equal((await DatabaseDigest.ComputeAsync(sourcePath)).Sha256, (await DatabaseDigest.ComputeAsync(targetPath)).Sha256);
        AssertNoTemporaryFiles();
    }

    [Fact]
    public async Task Keep_holds_the_newest_snapshots_only()
    {
        var path = await NodeDatabaseAsync("keep.db", nodeId: 1, rows: 3);
        await using var service = await OpenAsync(Config(path, 1, keep: 3));
        var saved = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await SqliteCli.RunAsync(path, $"INSERT INTO notes(body) VALUES ('round {i}');");
            saved.Add((await service.SaveAsync(CancellationToken.None)).Id);
        }

        Assert.Equal(saved.AsEnumerable().Reverse().Take(3), (await service.ListAsync(CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_corrupted_snapshot_is_refused_and_the_database_is_unchanged()
    {
        var sourcePath = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 200);
        await using var source = await OpenAsync(Config(sourcePath, 1));
        var saved = await source.SaveAsync(CancellationToken.None);
        await CorruptAsync(source, saved);

        var targetPath = await NodeDatabaseAsync("target.db", nodeId: 2, rows: 4);
        var before = await File.ReadAllBytesAsync(targetPath);
        await using var target = await OpenAsync(Config(targetPath, 2));
        var error = await Assert.ThrowsAsync<SnapshotIntegrityException>(() => target.RestoreAsync(saved.Id, CancellationToken.None));

        Assert.Contains(saved.Id, error.Message);
        Assert.Contains("Nothing was changed", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(targetPath));
        AssertNoTemporaryFiles();
    }

    [Fact]
    public async Task Restore_is_refused_while_a_sqlite3_process_holds_the_database_open()
    {
        var sourcePath = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 3);
        await using var source = await OpenAsync(Config(sourcePath, 1));
        var saved = await source.SaveAsync(CancellationToken.None);
        var targetPath = await NodeDatabaseAsync("target.db", nodeId: 2, rows: 8);
        var before = await DatabaseDigest.ComputeAsync(targetPath);

        await using var shell = await OpenSqliteShell.OpenAsync(targetPath);
        await using var target = await OpenAsync(Config(targetPath, 2));
        var error = await Assert.ThrowsAsync<DatabaseInUseException>(() => target.RestoreAsync(saved.Id, CancellationToken.None));

        Assert.Contains($"pid {shell.ProcessId}", error.Message);
        Assert.Equal(before.Sha256, (await DatabaseDigest.ComputeAsync(targetPath)).Sha256);
        AssertNoTemporaryFiles();
    }

    [Fact]
    public async Task Unknown_or_missing_snapshots_are_reported_by_id()
    {
        var path = await NodeDatabaseAsync("only.db", nodeId: 1, rows: 1);
        await using var service = await OpenAsync(Config(path, 1));

        var none = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => service.RestoreAsync(null, CancellationToken.None));
        Assert.Contains("no snapshot", none.Message);
        await service.SaveAsync(CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<SnapshotNotFoundException>(() => service.RestoreAsync("20000101T000000.000Z-1", CancellationToken.None));
        Assert.Equal("20000101T000000.000Z-1", unknown.Id);
    }

    private void AssertNoTemporaryFiles() =>
        Assert.Empty(System.IO.Directory.EnumerateFiles(Directory.Path, "*.tmp*", SearchOption.AllDirectories));

    public void Dispose()
    {
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
