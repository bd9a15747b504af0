using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// The shared <c>__harmonylite__</c> tables, created together at install so that the publishing side (change reader)
/// and the consuming side (applier, quarantine) find all of them.
/// </summary>
internal static class CaptureSchema
{
    private static readonly string[] CoreTables =
    [
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Meta)}(key TEXT PRIMARY KEY NOT NULL, value)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Sequence)}(id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, published_seq INTEGER NOT NULL)",
        $"INSERT OR IGNORE INTO {Q(CaptureArtifactNames.Sequence)}(id, last_seq, published_seq) VALUES (1, 0, 0)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.CommitPoints)}(seq INTEGER PRIMARY KEY)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.WatchedTables)}(table_name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE, generation INTEGER NOT NULL, definition TEXT NOT NULL, dropped INTEGER NOT NULL DEFAULT 0)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Generations)}(table_name TEXT NOT NULL COLLATE NOCASE, generation INTEGER NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (table_name, generation)) WITHOUT ROWID",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Silence)}(active INTEGER)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.StreamPositions)}(stream TEXT PRIMARY KEY NOT NULL, sequence INTEGER NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Quarantine)}(id INTEGER PRIMARY KEY, stream TEXT NOT NULL, sequence INTEGER NOT NULL, message BLOB NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL, quarantined_at INTEGER NOT NULL, UNIQUE (stream, sequence))",
    ];

    /// <summary>Creates the shared tables that do not exist yet; call inside the install transaction.</summary>
    public static async Task EnsureCoreTablesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        foreach (var sql in CoreTables)
            await connection.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether install has run on this database (the last core table it creates exists).</summary>
    public static async Task<bool> IsInstalledAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var count = await connection.ScalarInt64Async(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (@a, @b, @c, @d, @e, @f, @g, @h)",
            cancellationToken,
            ("@a", CaptureArtifactNames.Meta), ("@b", CaptureArtifactNames.Sequence), ("@c", CaptureArtifactNames.CommitPoints),
            ("@d", CaptureArtifactNames.WatchedTables), ("@e", CaptureArtifactNames.Generations), ("@f", CaptureArtifactNames.Silence),
            ("@g", CaptureArtifactNames.StreamPositions), ("@h", CaptureArtifactNames.Quarantine)).ConfigureAwait(false);
        return count == 8;
    }

    /// <summary>Throws <see cref="CaptureNotInstalledException"/> unless install has run on this database.</summary>
    public static async Task RequireInstalledAsync(SqliteConnection connection, string databasePath, CancellationToken cancellationToken)
    {
        if (!await IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false))
            throw new CaptureNotInstalledException(databasePath);
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
