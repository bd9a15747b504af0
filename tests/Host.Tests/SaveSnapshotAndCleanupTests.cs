using System.Diagnostics;
using HarmonyLite.Host.Tests.Support;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Host.Tests;

/// <summary>The one-shot modes scheduled tasks and operators run: -save-snapshot and -cleanup.</summary>
public sealed class SaveSnapshotAndCleanupTests
{
    [Fact]
    public async Task Save_snapshot_to_a_directory_exits_0_and_leaves_a_complete_snapshot()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        await Sqlite3Async(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
        var store = dir.File("snapshots");
        var config = await WriteConfigAsync(dir, db, $"[snapshot]\nstore = \"file\"\n[snapshot.file]\npath = \"{store}\"\n");

        var result = await HarmonyliteProcess.RunAsync("-config", config, "-save-snapshot");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("saved snapshot", result.Error);
        Assert.Single(Directory.GetFiles(store, "*.db"));
        Assert.Single(Directory.GetFiles(store, "*.json"));
    }

    [Fact]
    public async Task Save_snapshot_to_nats_without_a_reachable_server_exits_1_saying_what_to_set()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        await Sqlite3Async(db, "CREATE TABLE t(id INTEGER PRIMARY KEY);");
        var config = await WriteConfigAsync(dir, db, "[nats]\nbind_address = \"127.0.0.1:-1\"\n");

        var result = await HarmonyliteProcess.RunAsync("-config", config, "-save-snapshot");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("nats.bind_address", result.Error);
    }

    [Fact]
    public async Task Cleanup_removes_every_harmonylite_object_and_keeps_the_rows()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        await Sqlite3Async(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a');" +
            "CREATE TABLE __harmonylite__meta(key TEXT PRIMARY KEY, value); CREATE TRIGGER __harmonylite__t__insert AFTER INSERT ON t BEGIN SELECT 1; END;");
        var config = await WriteConfigAsync(dir, db, "");

        var result = await HarmonyliteProcess.RunAsync("-config", config, "-cleanup");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0", await Sqlite3Async(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\';"));
        Assert.Equal("1|a", await Sqlite3Async(db, "SELECT * FROM t;"));
    }

    private static async Task<string> WriteConfigAsync(TempDirectory dir, string db, string extra)
    {
        var path = dir.File("node.toml");
        await File.WriteAllTextAsync(path, $"db_path = \"{db}\"\nnode_id = 3\n{extra}");
        return path;
    }

    private static async Task<string> Sqlite3Async(string db, string sql)
    {
        using var shell = Process.Start(new ProcessStartInfo("sqlite3", new[] { db, sql }) { UseShellExecute = false, RedirectStandardOutput = true })!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();
        Assert.Equal(0, shell.ExitCode);
        return output.Trim();
    }
}
