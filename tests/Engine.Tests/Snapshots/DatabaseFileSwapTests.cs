using System.Diagnostics;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class DatabaseFileSwapTests
{
    [Fact]
    public void Replace_puts_the_new_file_in_place_and_drops_the_old_wal()
    {
        using var dir = new TempDirectory();
        var db = dir.File("app.db");
        Execute(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('old');");
        var replacement = dir.File("app.db.restore");
        Execute(replacement, "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('new');");

        DatabaseFileSwap.Replace(db, replacement);

        Assert.Equal("new", Scalar(db, "SELECT v FROM t"));
        Assert.False(File.Exists(replacement));
        Assert.False(File.Exists(db + ".pre-restore"));
        Assert.Null(DatabaseFileSwap.RecoverInterrupted(db));
    }

    [Fact]
    public async Task Replace_is_refused_while_another_process_holds_the_database_open()
    {
        using var dir = new TempDirectory();
        var db = dir.File("busy.db");
        Execute(db, "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('kept');");
        var replacement = dir.File("busy.db.restore");
        Execute(replacement, "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('new');");

        // The sqlite3 shell keeps the file open while it waits for input, as an application would.
        using var shell = Process.Start(new ProcessStartInfo("sqlite3", new[] { db }) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        await shell.StandardInput.WriteLineAsync("SELECT count(*) FROM t;");
        await shell.StandardInput.FlushAsync();
        Assert.Equal("1", (await shell.StandardOutput.ReadLineAsync())?.Trim());
        try
        {
            var error = Assert.Throws<DatabaseInUseException>(() => DatabaseFileSwap.Replace(db, replacement));
            Assert.Contains($"pid {shell.Id}", error.Message);
            Assert.Equal("kept", Scalar(db, "SELECT v FROM t"));
            Assert.True(File.Exists(replacement));
        }
        finally
        {
            shell.StandardInput.Close();
            await shell.WaitForExitAsync();
        }
    }

    [Fact]
    public void An_interrupted_swap_puts_the_previous_database_back()
    {
        using var dir = new TempDirectory();
        var db = dir.File("crash.db");
        Execute(db, "CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('previous');");
        File.Move(db, db + ".pre-restore"); // the crash happened right after moving the old file aside

        var message = DatabaseFileSwap.RecoverInterrupted(db);

        Assert.Contains("put back", message);
        Assert.Equal("previous", Scalar(db, "SELECT v FROM t"));
    }

    private static void Execute(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
