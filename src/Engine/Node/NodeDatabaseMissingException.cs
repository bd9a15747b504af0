namespace HarmonyLite.Engine.Node;

/// <summary>
/// A node cannot start: its database does not exist and no snapshot was restored into it. Carries the facts
/// (which database, whether snapshots are enabled) so each interface can say what to do in its own words.
/// </summary>
public sealed class NodeDatabaseMissingException(string databasePath, bool snapshotsEnabled)
    : Exception(snapshotsEnabled
        ? $"The database {databasePath} (db_path) does not exist, and there is no snapshot to restore yet. Create it with its schema first (for example with the sqlite3 shell)."
        : $"The database {databasePath} (db_path) does not exist. Create it with its schema first, or enable snapshots so a new node can restore one.")
{
    /// <summary>The full path of the missing database.</summary>
    public string DatabasePath { get; } = databasePath;

    /// <summary>Whether the node looked for a snapshot to restore (and found none).</summary>
    public bool SnapshotsEnabled { get; } = snapshotsEnabled;
}
