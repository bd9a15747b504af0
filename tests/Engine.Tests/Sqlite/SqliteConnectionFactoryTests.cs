using HarmonyLite.Engine.Sqlite;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Sqlite;

public sealed class SqliteConnectionFactoryTests
{
    [Fact]
    public async Task Opens_an_existing_database_in_WAL_mode_with_the_busy_timeout()
    {
        using var directory = new TempDirectory();
        var path = directory.File("rollback.db");
        await SqliteCli.RunAsync(path, "PRAGMA journal_mode = DELETE; CREATE TABLE t(x);");

        await using var connection = await SqliteConnectionFactory.OpenAsync(path, new SqliteConnectionOptions { BusyTimeout = TimeSpan.FromMilliseconds(1234) }, CancellationToken.None);

        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal(1234L, await command.ExecuteScalarAsync());
        // The sqlite3 shell, a different library build in another process, sees the persistent WAL mode too.
        Assert.Equal("wal", (await SqliteCli.RunAsync(path, "PRAGMA journal_mode;")).Trim());
    }

    [Fact]
    public async Task A_missing_file_is_reported_by_path_and_not_created()
    {
        using var directory = new TempDirectory();
        var path = directory.File("missing.db");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => SqliteConnectionFactory.OpenAsync(path, null, CancellationToken.None));

        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(path));
    }
}
