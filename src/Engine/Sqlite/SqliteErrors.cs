using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>Classifies SQLite errors the node retries instead of failing on.</summary>
public static class SqliteErrors
{
    private const int Busy = 5;   // SQLITE_BUSY: another connection holds the lock longer than the busy timeout
    private const int Locked = 6; // SQLITE_LOCKED: a conflicting lock on the same connection's shared cache

    /// <summary>True when another program holds the database: not our fault and not the data's, so wait and retry.</summary>
    public static bool IsBusy(Exception exception) => exception is SqliteException { SqliteErrorCode: Busy or Locked };

    /// <summary>The same for a result code of SQLite's C API (primary or extended).</summary>
    public static bool IsBusy(int resultCode) => (resultCode & 0xff) is Busy or Locked;
}
