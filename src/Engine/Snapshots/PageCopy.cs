using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Copies a live database page by page with SQLite's online backup into a new file, inside one read transaction on
/// the source: the copy holds whole transactions only, and in WAL mode writers are never blocked. Faster than
/// <c>VACUUM INTO</c>, which rebuilds every table and index (518 MB: 0.72-0.77 s against 1.12-1.16 s); free pages
/// come along, and the caller compacts a copy left with many.
/// </summary>
internal static class PageCopy
{
    /// <summary>Pages per backup step; between steps a cancellation is noticed (16 MiB of 4 KiB pages).</summary>
    private const int PagesPerStep = 4096;

    /// <summary>How much of the source is mapped while it is copied (SQLite caps it at its own maximum).</summary>
    private const long MapBytes = 1L << 40;

    /// <summary>Copies <paramref name="source"/> into the new file <paramref name="destination"/>; nothing is synced.</summary>
    public static Task CopyAsync(SqliteConnection source, string destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(async () =>
        {
            await using var target = await SqliteConnectionFactory.OpenAsIsAsync(destination, SqliteOpenMode.ReadWriteCreate, cancellationToken).ConfigureAwait(false);
            // A scratch file until it is hashed and stored: a rollback journal and syncs would only slow the copy.
            await target.ExecuteAsync("PRAGMA journal_mode = OFF", cancellationToken).ConfigureAwait(false);
            await target.ExecuteAsync("PRAGMA synchronous = OFF", cancellationToken).ConfigureAwait(false);
            // Source pages read from a memory map instead of a read call each: a quarter less time for the copy.
            await source.ExecuteAsync($"PRAGMA mmap_size = {MapBytes}", cancellationToken).ConfigureAwait(false);
            // The read transaction spans every step: with it the source's snapshot cannot move, so a commit by the
            // application between two steps neither restarts the copy nor ends up half in it.
            using var snapshot = source.BeginTransaction(deferred: true);
            await source.ScalarAsync("SELECT count(*) FROM sqlite_master", cancellationToken).ConfigureAwait(false);
            Copy(source, target, cancellationToken);
        }, CancellationToken.None);
    }

    private static void Copy(SqliteConnection source, SqliteConnection target, CancellationToken cancellationToken)
    {
        var backup = raw.sqlite3_backup_init(target.Handle, "main", source.Handle, "main")
            ?? throw new SqliteException($"Starting the copy of the database failed: {raw.sqlite3_errmsg(target.Handle).utf8_to_string()}", raw.sqlite3_errcode(target.Handle));
        int result;
        try
        {
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                result = raw.sqlite3_backup_step(backup, PagesPerStep);
            }
            while (result == raw.SQLITE_OK);
        }
        finally
        {
            raw.sqlite3_backup_finish(backup);
        }
        if (result != raw.SQLITE_DONE)
            throw new SqliteException($"Copying the database failed: {raw.sqlite3_errstr(result).utf8_to_string()}.", result);
    }
}
