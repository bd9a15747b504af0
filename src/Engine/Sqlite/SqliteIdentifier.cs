namespace HarmonyLite.Engine.Sqlite;

/// <summary>Quoting of SQLite identifiers for generated SQL: every table, column, index and trigger name goes through here.</summary>
public static class SqliteIdentifier
{
    /// <summary>Returns <paramref name="name"/> as a double-quoted identifier, doubling embedded quotes, so any name is safe in SQL.</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
