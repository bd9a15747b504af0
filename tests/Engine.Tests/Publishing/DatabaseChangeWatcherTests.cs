using System.Diagnostics;
using HarmonyLite.Engine.Publishing;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Publishing;

public sealed class DatabaseChangeWatcherTests
{
    [Fact]
    public async Task A_write_by_another_connection_wakes_the_waiter_before_the_polling_interval()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        await using (var setup = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await setup.OpenAsync();
            await Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        }
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMinutes(5));
        Assert.True(watcher.IsWatchingFileSystem, watcher.WatchError);
        while (await WaitBriefly(watcher)) { } // drain events from the setup writes

        var wait = watcher.WaitAsync(CancellationToken.None);
        await using (var writer = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await writer.OpenAsync();
            await Execute(writer, "INSERT INTO t(v) VALUES ('x');");
        }
        var finished = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(wait, finished);
        Assert.True(await wait);
    }

    [Fact]
    public async Task The_waiter_is_woken_once_the_commit_is_visible_to_other_connections()
    {
        using var dir = new TempDirectory();
        var db = dir.File("visible.db");
        await using (var setup = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await setup.OpenAsync();
            await Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        }
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMinutes(5));
        while (await WaitBriefly(watcher)) { }
        await using var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        await writer.OpenAsync();
        await using var reader = new SqliteConnection($"Data Source={db};Pooling=False");
        await reader.OpenAsync();

        // The file events of a write come before its commit is visible; a wake-up must not: the woken reader sees it.
        for (var row = 1; row <= 100; row++)
        {
            var wait = watcher.WaitAsync(CancellationToken.None);
            await Execute(writer, "INSERT INTO t(v) VALUES ('x');");
            Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(20)));
            await using var count = reader.CreateCommand();
            count.CommandText = "SELECT count(*) FROM t";
            Assert.Equal((long)row, (long)(await count.ExecuteScalarAsync())!);
            while (await WaitBriefly(watcher)) { }
        }
    }

    [Fact]
    public async Task A_write_by_the_sqlite3_shell_to_a_database_kept_open_in_WAL_mode_wakes_the_waiter()
    {
        using var dir = new TempDirectory("harmonylite-demo.x");
        var db = dir.File("node-1.db");
        await Sqlite3Async(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        // The node keeps connections open in WAL mode, as it does while running.
        await using var held = new SqliteConnection($"Data Source={db};Pooling=False");
        await held.OpenAsync();
        await Execute(held, "PRAGMA journal_mode=WAL; SELECT count(*) FROM t;");
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMinutes(5));
        while (await WaitBriefly(watcher)) { }

        var wait = watcher.WaitAsync(CancellationToken.None);
        await Sqlite3Async(db, "INSERT INTO t(v) VALUES ('x');");
        var finished = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(wait, finished);
    }

    private static async Task Sqlite3Async(string db, string sql)
    {
        using var shell = Process.Start(new ProcessStartInfo("sqlite3", new[] { db, sql }) { UseShellExecute = false })!;
        await shell.WaitForExitAsync();
        Assert.Equal(0, shell.ExitCode);
    }

    [Fact]
    public async Task Without_events_the_waiter_returns_after_the_polling_interval()
    {
        using var dir = new TempDirectory();
        var db = dir.File("quiet.db");
        await File.WriteAllBytesAsync(db, Array.Empty<byte>());
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        while (await watcher.WaitAsync(CancellationToken.None)) { } // drain anything the file creation raised
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(90), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public async Task Many_events_while_busy_coalesce_into_one_wake_up()
    {
        using var dir = new TempDirectory();
        var db = dir.File("burst.db");
        await File.WriteAllBytesAsync(db, Array.Empty<byte>());
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMilliseconds(200));
        while (await WaitBriefly(watcher)) { }
        for (var i = 0; i < 100; i++) watcher.Notify();
        Assert.True(await watcher.WaitAsync(CancellationToken.None));
        Assert.False(await watcher.WaitAsync(CancellationToken.None)); // only the polling interval remains
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        using var dir = new TempDirectory();
        var db = dir.File("cancel.db");
        await File.WriteAllBytesAsync(db, Array.Empty<byte>());
        using var watcher = new DatabaseChangeWatcher(db, TimeSpan.FromMinutes(5));
        while (await WaitBriefly(watcher)) { }
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.WaitAsync(cts.Token));
    }

    private static async Task<bool> WaitBriefly(DatabaseChangeWatcher watcher)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try { return await watcher.WaitAsync(cts.Token); }
        catch (OperationCanceledException) { return false; }
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
