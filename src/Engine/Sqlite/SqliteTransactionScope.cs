using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>
/// A transaction begun with plain SQL, so commands on the connection need no transaction object. Disposing without
/// <see cref="CommitAsync"/> rolls back (unless SQLite already did, which it does after some errors).
/// </summary>
internal sealed class SqliteTransactionScope : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private bool _finished;

    private SqliteTransactionScope(SqliteConnection connection) => _connection = connection;

    /// <summary><c>BEGIN IMMEDIATE</c>: takes the write lock now (waiting up to the busy timeout), so the transaction cannot fail later on a lock upgrade.</summary>
    public static Task<SqliteTransactionScope> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        BeginAsync(connection, "BEGIN IMMEDIATE", cancellationToken);

    /// <summary><c>BEGIN</c>: a read snapshot taken at the first read; in WAL mode it never blocks writers.</summary>
    public static Task<SqliteTransactionScope> BeginReadAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        BeginAsync(connection, "BEGIN", cancellationToken);

    private static async Task<SqliteTransactionScope> BeginAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
        return new SqliteTransactionScope(connection);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _connection.ExecuteAsync("COMMIT", cancellationToken).ConfigureAwait(false);
        _finished = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        _finished = true;
        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0) return;
        await _connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
    }
}
