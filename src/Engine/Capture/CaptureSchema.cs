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
        // Value columns (v1, v2, ...) are added by install as the widest watched table needs them.
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Changes)}(seq INTEGER PRIMARY KEY, generation INTEGER NOT NULL, op INTEGER NOT NULL, hlc INTEGER NOT NULL, node_id INTEGER NOT NULL, life_hlc INTEGER, life_node INTEGER, mask TEXT)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Published)}(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL)",
        $"INSERT OR IGNORE INTO {Q(CaptureArtifactNames.Published)}(id, seq) VALUES (1, 0)",
        // Builds before 0.2 wrote transaction boundaries here; the reader keeps them in memory now.
        $"DROP TABLE IF EXISTS {Q(CaptureArtifactNames.Prefix + "commit_points")}",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.WatchedTables)}(table_name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE, generation INTEGER NOT NULL, definition TEXT NOT NULL, dropped INTEGER NOT NULL DEFAULT 0)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Generations)}(table_name TEXT NOT NULL COLLATE NOCASE, generation INTEGER NOT NULL, definition TEXT NOT NULL, schema_hash TEXT, PRIMARY KEY (table_name, generation)) WITHOUT ROWID",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Silence)}(active INTEGER PRIMARY KEY)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.StreamPositions)}(stream TEXT PRIMARY KEY NOT NULL, sequence INTEGER NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS {Q(CaptureArtifactNames.Quarantine)}(id INTEGER PRIMARY KEY, stream TEXT NOT NULL, sequence INTEGER NOT NULL, message BLOB NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL, quarantined_at INTEGER NOT NULL, UNIQUE (stream, sequence))",
    ];

    /// <summary>Every table <see cref="CoreTables"/> creates: all of them exist exactly when install has run.</summary>
    private static readonly string[] CoreTableNames =
    [
        CaptureArtifactNames.Meta, CaptureArtifactNames.Changes, CaptureArtifactNames.Published,
        CaptureArtifactNames.WatchedTables, CaptureArtifactNames.Generations, CaptureArtifactNames.Silence, CaptureArtifactNames.StreamPositions,
        CaptureArtifactNames.Quarantine,
    ];

    /// <summary>Columns added after the first release of a table, added to an installation made before them.</summary>
    private static readonly (string Table, string Column, string Type)[] AddedColumns =
    [
        (CaptureArtifactNames.Changes, "life_hlc", "INTEGER"),
        (CaptureArtifactNames.Changes, "life_node", "INTEGER"),
        (CaptureArtifactNames.Changes, "mask", "TEXT"),
        (CaptureArtifactNames.Generations, "schema_hash", "TEXT"),
    ];

    /// <summary>
    /// What a change-log row carries besides its values: its number, capture generation, operation and version; for an
    /// update also the life it belongs to and which columns it changed (<c>mask</c>: a '1' or '0' per column of the
    /// generation).
    /// </summary>
    private static readonly string[] ChangeLogHeader = ["seq", "generation", "op", "hlc", "node_id", "life_hlc", "life_node", "mask"];

    /// <summary>The change-log columns before the value columns, in order: what every change carries besides its values.</summary>
    public static readonly string ChangeLogHeaderColumns = string.Join(", ", ChangeLogHeader);

    /// <summary>How many <see cref="ChangeLogHeaderColumns"/> there are: the ordinal of the first value column in a select of them.</summary>
    public static int ChangeLogHeaderWidth => ChangeLogHeader.Length;

    /// <summary>
    /// One row: <c>last</c>, the number of the last change captured (the greatest in the log: cleanup always keeps
    /// that row), and <c>published</c>, the number of the last change published and deleted from the log (the running
    /// publisher is usually further, in memory).
    /// </summary>
    public static readonly string CountersQuery =
        $"SELECT (SELECT coalesce(max(seq), 0) FROM {Q(CaptureArtifactNames.Changes)}) AS last, seq AS published FROM {Q(CaptureArtifactNames.Published)}";

    /// <summary>Creates the shared tables that do not exist yet; call inside the install transaction.</summary>
    public static async Task EnsureCoreTablesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        foreach (var sql in CoreTables)
            await connection.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
        foreach (var (table, column, type) in AddedColumns)
        {
            if (await SqliteSchemaReader.ColumnExistsAsync(connection, table, column, cancellationToken).ConfigureAwait(false)) continue;
            await connection.ExecuteAsync($"ALTER TABLE {Q(table)} ADD COLUMN {Q(column)} {type}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether install has run on this database (every core table it creates exists).</summary>
    public static async Task<bool> IsInstalledAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var count = await connection.ScalarInt64Async(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (SELECT value FROM json_each(@names))",
            cancellationToken, ("@names", System.Text.Json.JsonSerializer.Serialize(CoreTableNames))).ConfigureAwait(false);
        return count == CoreTableNames.Length;
    }

    /// <summary>A connection to a database that capture was installed on (the one way every reader and writer of capture opens it).</summary>
    /// <exception cref="CaptureNotInstalledException">Install has not run on this database.</exception>
    public static async Task<SqliteConnection> OpenInstalledAsync(string databasePath, SqliteConnectionOptions? options, CancellationToken cancellationToken)
    {
        var connection = await SqliteConnectionFactory.OpenAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false))
                throw new CaptureNotInstalledException(Path.GetFullPath(databasePath));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
