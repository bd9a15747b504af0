using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>
/// Opens connections to an existing database file the way every HarmonyLite component needs them: read-write,
/// WAL journal (readers never block writers), a busy timeout, <c>synchronous = NORMAL</c> and no connection pooling
/// (a component owns its connection for its lifetime and closing it releases the file).
/// </summary>
public static class SqliteConnectionFactory
{
    /// <summary>
    /// Opens a file as it is, for a copy or a look (a snapshot, a digest): unlike <see cref="OpenAsync"/> no journal mode
    /// or pragma is changed. Waits up to 30 s for a lock another connection holds.
    /// </summary>
    public static async Task<SqliteConnection> OpenAsIsAsync(string databasePath, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task<SqliteConnection> OpenAsync(string databasePath, SqliteConnectionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        options ??= SqliteConnectionOptions.Default;
        var fullPath = Path.GetFullPath(databasePath);
        // Mode=ReadWrite would also refuse a missing file, but with a bare "unable to open database file".
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"SQLite database '{fullPath}' does not exist. Check the db_path setting, or create the database first (for example with the sqlite3 shell).", fullPath);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}", cancellationToken).ConfigureAwait(false);
            var mode = await connection.ScalarAsync("PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite database '{fullPath}' could not be switched to WAL journal mode (it reports '{mode}'). HarmonyLite needs WAL so that reading changes never blocks the application's writers; make sure the file is on a local file system.");
            await connection.ExecuteAsync("PRAGMA synchronous = NORMAL", cancellationToken).ConfigureAwait(false);
            options.Opened?.Invoke(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
