using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Replaces a database file with a verified copy so that SQLite never sees a mix of old and new:
/// the old file's WAL is checkpointed and its -wal/-shm removed, the old file is renamed aside
/// (kept until the new one is in place), the new file is renamed in, then the old one is deleted.
/// A swap interrupted by a crash is rolled back or finished by <see cref="RecoverInterrupted"/>.
/// </summary>
public static class DatabaseFileSwap
{
    private const string AsideSuffix = ".pre-restore";

    /// <summary>Puts <paramref name="replacement"/> (same directory, verified) in place of <paramref name="databasePath"/>.</summary>
    /// <exception cref="DatabaseInUseException">Another process holds the database open.</exception>
    public static void Replace(string databasePath, string replacement)
    {
        var db = Path.GetFullPath(databasePath);
        var holders = DatabaseFileGuard.FindHolders(db);
        if (holders.Count > 0) throw new DatabaseInUseException(db, holders);
        var aside = db + AsideSuffix;
        if (File.Exists(db))
        {
            CheckpointAndClose(db);
            DeleteIfExists(db + "-wal");
            DeleteIfExists(db + "-shm");
            DeleteIfExists(db + "-journal");
            File.Move(db, aside, overwrite: true);
        }
        File.Move(replacement, db);
        DeleteIfExists(aside);
    }

    /// <summary>
    /// Called before opening a database: if a previous swap stopped after moving the old file aside and
    /// before the new one was in place, the old file comes back; if the new one was already in place,
    /// the leftover old file is removed.
    /// </summary>
    /// <returns>A sentence describing what was recovered, or null when nothing was interrupted.</returns>
    public static string? RecoverInterrupted(string databasePath)
    {
        var db = Path.GetFullPath(databasePath);
        var aside = db + AsideSuffix;
        if (!File.Exists(aside)) return null;
        if (File.Exists(db))
        {
            File.Delete(aside);
            return $"A restore of {db} had finished but left the previous copy {aside}; it was removed.";
        }
        File.Move(aside, db);
        return $"A restore of {db} was interrupted before the snapshot was in place; the previous database was put back.";
    }

    private static void CheckpointAndClose(string db)
    {
        // Moves everything in the WAL into the main file so that removing -wal loses nothing.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }
}
