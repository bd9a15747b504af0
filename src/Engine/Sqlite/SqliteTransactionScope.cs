using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>
/// A transaction begun with plain SQL, so commands on the connection need no transaction object. Disposing without
/// <see cref="CommitAsync"/> rolls back (unless SQLite already did, which it does after some errors).
/// </summary>
internal sealed class SqliteTransactionScope : IAsyncDisposable
{
    /// <summary>How long the node waits for an application's write lock before it says so in the log (it keeps waiting).</summary>
    public static readonly TimeSpan BusyWarningAfter = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(10);

    private readonly SqliteConnection _connection;
    private bool _finished;

    private SqliteTransactionScope(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// <c>BEGIN IMMEDIATE</c>: takes the write lock now, so the transaction cannot fail later on a lock upgrade. While an
    /// application holds the lock this waits, as long as it takes (until cancelled), and never fails with SQLITE_BUSY.
    /// </summary>
    /// <remarks>
    /// SQLite's own busy handler (and Microsoft.Data.Sqlite's retry) sleep for growing intervals, up to 100 ms and 150 ms,
    /// so they lose the lock to an application that takes it again microseconds after releasing it. This asks again at
    /// once a few times, then at short intervals: the node gets its turn between two application transactions, and holds
    /// the lock only for its own short transaction, so an application waiting with <c>busy_timeout</c> gets it back soon.
    /// </remarks>
    public static async Task<SqliteTransactionScope> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        var waited = Stopwatch.StartNew();
        var warned = false;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rc = TryBeginImmediate(connection);
            if (rc == raw.SQLITE_OK)
            {
                if (warned) logger?.LogInformation("The database is free again after {Waited:0.0} s; the node goes on", waited.Elapsed.TotalSeconds);
                return new SqliteTransactionScope(connection);
            }
            if (!SqliteErrors.IsBusy(rc)) SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            if (!warned && waited.Elapsed >= BusyWarningAfter)
            {
                warned = true;
                logger?.LogWarning("The database is busy: another program holds its write lock; the node waits for it");
            }
            if (attempt < 32) Thread.Yield();
            else await Task.Delay(attempt < 64 ? TimeSpan.FromMilliseconds(1) : LongestPause, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>BEGIN</c>: a read snapshot taken at the first read; in WAL mode it never blocks writers.</summary>
    public static async Task<SqliteTransactionScope> BeginReadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("BEGIN", cancellationToken).ConfigureAwait(false);
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
        if (raw.sqlite3_get_autocommit(_connection.Handle) != 0) return;
        await _connection.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
    }

    private static int ReadBusyTimeout(sqlite3 db)
    {
        if (raw.sqlite3_prepare_v2(db, "PRAGMA busy_timeout", out var statement) != raw.SQLITE_OK) return 0;
        using (statement)
            return raw.sqlite3_step(statement) == raw.SQLITE_ROW ? raw.sqlite3_column_int(statement, 0) : 0;
    }

    /// <summary>One attempt, with SQLite's busy handler off for it, so a held lock answers SQLITE_BUSY at once.</summary>
    private static int TryBeginImmediate(SqliteConnection connection)
    {
        var db = connection.Handle!;
        var timeout = ReadBusyTimeout(db);
        raw.sqlite3_busy_timeout(db, 0);
        try
        {
            return raw.sqlite3_exec(db, "BEGIN IMMEDIATE");
        }
        finally
        {
            raw.sqlite3_busy_timeout(db, timeout);
        }
    }
}
