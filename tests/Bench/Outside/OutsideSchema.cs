namespace HarmonyLite.Bench.Outside;

/// <summary>
/// The application's tables in the outside suites. Every key is an INTEGER PRIMARY KEY: the case whose capture used to
/// scan a table per write (issue 15), and the commonest key an application has.
/// </summary>
internal static class OutsideSchema
{
    /// <summary>Probes of the delay suite.</summary>
    public const string Pings = "CREATE TABLE pings(id INTEGER PRIMARY KEY, sent REAL NOT NULL);";

    /// <summary>A table of a few columns of every type; writer.py's bulk, fill and singles write it.</summary>
    public static string Items(string name) => $"CREATE TABLE {name}(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, data BLOB);";

    /// <summary>Rows the trickle and hold subcommands write (busy-database and memory suites).</summary>
    public const string Busy = "CREATE TABLE busy(id INTEGER PRIMARY KEY, node INTEGER NOT NULL, seq INTEGER NOT NULL, t REAL);";
}
