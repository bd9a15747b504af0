using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>How HarmonyLite opens a user's SQLite database.</summary>
public sealed record SqliteConnectionOptions
{
    public static readonly SqliteConnectionOptions Default = new();

    /// <summary>
    /// How long a statement waits for another connection's lock (SQLite <c>busy_timeout</c>) before it fails with
    /// "database is locked". Applications keep writing while the node runs, so short waits are normal.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Called with every connection opened with these options, once it is set up. Tests watch the statements a
    /// component runs through it (SQLite's trace) to check each one's query plan.
    /// </summary>
    internal Action<SqliteConnection>? Opened { get; init; }
}
