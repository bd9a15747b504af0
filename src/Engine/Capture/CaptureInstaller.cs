using System.Security.Cryptography;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Installs, updates and removes change capture in one database: a change log shared by all tables and, per user
/// table, a version table and AFTER INSERT/UPDATE/DELETE triggers that write this node's id into every captured version.
/// </summary>
/// <remarks>
/// Install is idempotent and runs in one write transaction, so no application write falls between dropping an old
/// trigger and creating its replacement. Call it at start-up and whenever <see cref="HasSchemaChangedAsync"/> says the
/// schema moved. Not safe for concurrent use; one caller at a time.
/// </remarks>
public sealed class CaptureInstaller : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _databasePath;
    private long? _schemaVersionAfterInstall;

    private CaptureInstaller(SqliteConnection connection, string databasePath, long nodeId)
    {
        _connection = connection;
        _databasePath = databasePath;
        NodeId = nodeId;
    }

    /// <summary>The node id written into every version the triggers assign.</summary>
    public long NodeId { get; }

    public static async Task<CaptureInstaller> OpenAsync(string databasePath, long nodeId, SqliteConnectionOptions? options, CancellationToken cancellationToken)
    {
        var connection = await SqliteConnectionFactory.OpenAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        return new CaptureInstaller(connection, Path.GetFullPath(databasePath), nodeId);
    }

    /// <summary>
    /// Watches every user table that can be replicated: creates what is missing, rebuilds triggers of tables whose
    /// columns changed (keeping changes captured but not yet published), unwatches tables that were dropped, and
    /// returns what it did per table. Refused tables do not stop the others.
    /// </summary>
    public async Task<CaptureInstallReport> InstallAsync(CancellationToken cancellationToken)
    {
        var reports = new List<TableCaptureReport>();
        var newVersionTables = new List<NewVersionTable>();
        await using (var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false))
        {
            await RefuseEarlierLayoutAsync(cancellationToken).ConfigureAwait(false);
            await CaptureSchema.EnsureCoreTablesAsync(_connection, cancellationToken).ConfigureAwait(false);
            await _connection.ExecuteAsync($"INSERT OR IGNORE INTO {Q(CaptureArtifactNames.Meta)}(key, value) VALUES (@key, @id)",
                cancellationToken, ("@key", CaptureArtifactNames.MetaCaptureIdKey), ("@id", Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant())).ConfigureAwait(false);
            await _connection.ExecuteAsync($"INSERT OR REPLACE INTO {Q(CaptureArtifactNames.Meta)}(key, value) VALUES (@key, @node)",
                cancellationToken, ("@key", CaptureArtifactNames.MetaNodeIdKey), ("@node", NodeId)).ConfigureAwait(false);

            var state = new InstallState(
                await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false),
                await ReadArtifactsAsync("trigger", cancellationToken).ConfigureAwait(false),
                await ReadArtifactsAsync("table", cancellationToken).ConfigureAwait(false))
            {
                ChangeLogWidth = await CountValueColumnsAsync(cancellationToken).ConfigureAwait(false),
            };

            var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, kind) in await SqliteSchemaReader.ReadTableNamesAsync(_connection, cancellationToken).ConfigureAwait(false))
            {
                if (CaptureArtifactNames.IsArtifact(name) || kind == SqliteTableKind.Shadow) continue;
                var schema = await SqliteSchemaReader.ReadTableAsync(_connection, name, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Table '{name}' vanished while install held the write lock of '{_databasePath}'.");
                var refusal = CaptureCompatibility.Refusal(schema);
                if (refusal is not null)
                {
                    reports.Add(new TableCaptureReport(name, TableCaptureOutcome.Refused, refusal, []));
                    continue;
                }
                present.Add(name);
                reports.Add(await InstallTableAsync(schema, state, newVersionTables, cancellationToken).ConfigureAwait(false));
            }

            foreach (var watched in state.Catalog.Values.Where(w => !w.Dropped && !present.Contains(w.Name)))
            {
                // Its triggers went with the table (or are removed below); its captured changes stay in the log until published.
                await WatchedTableCatalog.SetDroppedAsync(_connection, watched.Name, dropped: true, cancellationToken).ConfigureAwait(false);
                if (reports.All(r => !string.Equals(r.Table, watched.Name, StringComparison.OrdinalIgnoreCase)))
                    reports.Add(new TableCaptureReport(watched.Name, TableCaptureOutcome.Dropped, null, []));
            }

            // Triggers of unwatched tables, or left on a renamed table under its old name, would capture twice or into the wrong log.
            foreach (var stale in state.ExistingTriggers.Keys.Where(t => !state.ExpectedTriggers.Contains(t)))
                await _connection.ExecuteAsync($"DROP TRIGGER IF EXISTS {Q(stale)}", cancellationToken).ConfigureAwait(false);

            // Read while still holding the write lock, so a schema change by another connection right after commit is noticed.
            var schemaVersion = await SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaVersionAfterInstall = schemaVersion;
        }
        foreach (var table in newVersionTables)
        {
            var captured = await CaptureExistingRowsAsync(table, cancellationToken).ConfigureAwait(false);
            var index = reports.FindIndex(r => string.Equals(r.Table, table.Schema.Name, StringComparison.OrdinalIgnoreCase));
            reports[index] = reports[index] with { ExistingRowsCaptured = captured };
        }
        return new CaptureInstallReport(reports);
    }

    /// <summary>
    /// Captures the rows of a table that just got its version table: rows written before the triggers existed (before the
    /// first install, or between a CREATE TABLE and the node noticing it) would otherwise never reach the other nodes.
    /// Rowid tables go in short transactions of <see cref="ExistingRowsChunk"/> rows, so an application is never held
    /// up for long; rows it writes meanwhile are captured by the triggers and passed over here.
    /// </summary>
    private async Task<long> CaptureExistingRowsAsync(NewVersionTable table, CancellationToken cancellationToken)
    {
        var schema = table.Schema;
        var rowid = schema.WithoutRowid ? null : new[] { "rowid", "_rowid_", "oid" }.First(n => schema.Columns.All(c => !string.Equals(c.Name, n, StringComparison.OrdinalIgnoreCase)));
        var (changes, versions) = CaptureSqlBuilder.CaptureExistingRows(schema.Name, table.Definition, table.Generation, NodeId, rowid);
        long captured = 0;
        for (long from = long.MinValue; ;)
        {
            long? through = null;
            if (rowid is not null)
            {
                through = await _connection.ScalarAsync(
                    $"SELECT max(r) FROM (SELECT {rowid} AS r FROM {Q(schema.Name)} WHERE {rowid} >= @from ORDER BY {rowid} LIMIT {ExistingRowsChunk})",
                    cancellationToken, ("@from", from)).ConfigureAwait(false) as long?;
                if (through is null) break;
            }
            await using (var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false))
            {
                (string, object?)[] parameters = [("@hlc", RowVersion.ClockValueAt(DateTimeOffset.UtcNow)), ("@from", from), ("@through", through)];
                captured += await _connection.ExecuteAsync(changes, cancellationToken, parameters).ConfigureAwait(false);
                await _connection.ExecuteAsync(versions, cancellationToken, parameters).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (through is not { } last || last == long.MaxValue) break;
            from = last + 1;
        }
        return captured;
    }

    /// <summary>Rows captured per transaction by <see cref="CaptureExistingRowsAsync"/>.</summary>
    public const int ExistingRowsChunk = 5_000;

    private sealed record NewVersionTable(SqliteTableSchema Schema, CaptureDefinition Definition, long Generation);

    /// <summary>
    /// Cheap enough for every poll: whether the database schema changed (any table created, altered or dropped, by any
    /// connection) since the last <see cref="InstallAsync"/> of this installer. True before the first install.
    /// </summary>
    public async Task<bool> HasSchemaChangedAsync(CancellationToken cancellationToken) =>
        _schemaVersionAfterInstall != await SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Removes every HarmonyLite object (triggers, indexes, tables, everything whose name starts with
    /// <c>__harmonylite__</c>) and nothing else; user tables and their rows stay as they are. Returns how many objects were removed.
    /// </summary>
    public async Task<int> RemoveAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        await using (var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false))
        {
            // Triggers first (they reference the tables), then free-standing indexes, then tables with their own indexes.
            foreach (var (type, drop) in new[] { ("trigger", "DROP TRIGGER IF EXISTS"), ("view", "DROP VIEW IF EXISTS"), ("index", "DROP INDEX IF EXISTS"), ("table", "DROP TABLE IF EXISTS") })
            {
                foreach (var name in (await ReadArtifactsAsync(type, cancellationToken).ConfigureAwait(false)).Keys)
                {
                    await _connection.ExecuteAsync($"{drop} {Q(name)}", cancellationToken).ConfigureAwait(false);
                    removed++;
                }
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        _schemaVersionAfterInstall = null;
        return removed;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private sealed record InstallState(Dictionary<string, WatchedTable> Catalog, Dictionary<string, string> ExistingTriggers, Dictionary<string, string> ExistingTables)
    {
        public HashSet<string> ExpectedTriggers { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>How many value columns the shared change log has.</summary>
        public int ChangeLogWidth { get; set; }
    }

    private async Task<TableCaptureReport> InstallTableAsync(SqliteTableSchema schema, InstallState state, List<NewVersionTable> newVersionTables,
        CancellationToken cancellationToken)
    {
        var table = schema.Name;
        var definition = CaptureDefinition.FromSchema(schema);
        var schemaHash = TableSchemaHash.Of(schema);
        var warnings = CaptureCompatibility.Warnings(schema).ToList();
        state.Catalog.TryGetValue(table, out var watched);
        var versions = CaptureArtifactNames.Versions(table);

        TableCaptureOutcome outcome;
        long generation;
        // A new generation when the captured columns change, and when the schema changes otherwise (a declared type, NOT
        // NULL): its changes carry the new schema hash, which the other nodes compare with theirs.
        if (watched is null || watched.Definition.ToJson() != definition.ToJson() || watched.SchemaHash != schemaHash)
        {
            outcome = watched is null ? TableCaptureOutcome.Installed : TableCaptureOutcome.Updated;
            generation = await WatchedTableCatalog.AddGenerationAsync(_connection, table, definition, schemaHash, cancellationToken).ConfigureAwait(false);
            if (watched is not null && state.ExistingTables.ContainsKey(versions) && !watched.Definition.HasSameKeyShape(definition))
            {
                await _connection.ExecuteAsync($"DROP TABLE {Q(versions)}", cancellationToken).ConfigureAwait(false);
                state.ExistingTables.Remove(versions);
                warnings.Add(new CaptureWarning(CaptureWarningKind.VersionsReset,
                    $"The primary key of table '{table}' changed shape, so the row versions recorded for the old key were reset; until every node has written a row again, a concurrent older change to it may win."));
            }
        }
        else
        {
            generation = watched.Generation;
            outcome = TableCaptureOutcome.Unchanged;
            if (watched.Dropped)
            {
                await WatchedTableCatalog.SetDroppedAsync(_connection, table, dropped: false, cancellationToken).ConfigureAwait(false);
                outcome = TableCaptureOutcome.Updated;
            }
        }

        // Value columns are only ever added, so rows captured under earlier generations keep their values.
        for (var index = state.ChangeLogWidth; index < definition.Columns.Count; index++)
            await _connection.ExecuteAsync(CaptureSqlBuilder.AddValueColumn(index), cancellationToken).ConfigureAwait(false);
        state.ChangeLogWidth = Math.Max(state.ChangeLogWidth, definition.Columns.Count);
        if (!state.ExistingTables.ContainsKey(versions))
        {
            await _connection.ExecuteAsync(CaptureSqlBuilder.CreateVersions(table, definition), cancellationToken).ConfigureAwait(false);
            newVersionTables.Add(new NewVersionTable(schema, definition, generation));
        }
        // The row's life and a version per column, added to version tables of earlier builds and as columns are added.
        var versionColumns = (await SqliteSchemaReader.ReadColumnNamesAsync(_connection, versions, cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (column, type) in CaptureSqlBuilder.VersionStateColumns(definition))
        {
            if (versionColumns.Contains(column)) continue;
            await _connection.ExecuteAsync($"ALTER TABLE {Q(versions)} ADD COLUMN {Q(column)} {type}", cancellationToken).ConfigureAwait(false);
        }
        await _connection.ExecuteAsync(CaptureSqlBuilder.CreateTombstoneIndex(table), cancellationToken).ConfigureAwait(false);

        var nullableKey = schema.NullableKeyColumns.Select(k => k.Name).ToList();
        if (nullableKey.Count > 0)
        {
            var nullRows = await _connection.ScalarInt64Async(
                $"SELECT count(*) FROM {Q(table)} WHERE {string.Join(" OR ", nullableKey.Select(k => $"{Q(k)} IS NULL"))}", cancellationToken).ConfigureAwait(false);
            if (nullRows > 0)
                warnings.Add(new CaptureWarning(CaptureWarningKind.NullKeyRows,
                    $"Table '{table}' has {nullRows} row(s) whose primary key ({string.Join(", ", nullableKey)}) is NULL: they cannot be identified on other nodes, so they stay on this node only. Give them key values (UPDATE ... SET {nullableKey[0]} = ...) to replicate them; new rows with a NULL key are refused."));
        }
        foreach (var trigger in CaptureSqlBuilder.Triggers(table, definition, generation, NodeId, nullableKey))
        {
            state.ExpectedTriggers.Add(trigger.Name);
            if (state.ExistingTriggers.TryGetValue(trigger.Name, out var sql) && sql == trigger.Sql) continue;
            await _connection.ExecuteAsync($"DROP TRIGGER IF EXISTS {Q(trigger.Name)}", cancellationToken).ConfigureAwait(false);
            await _connection.ExecuteAsync(trigger.Sql, cancellationToken).ConfigureAwait(false);
            if (outcome == TableCaptureOutcome.Unchanged) outcome = TableCaptureOutcome.Updated;
        }
        return new TableCaptureReport(table, outcome, null, warnings);
    }

    /// <summary>
    /// Builds before 0.1.0 kept a change log per table, numbered from a counter row, and numbered generations per table;
    /// the shared log needs generations unique across tables, so such an installation is refused rather than mixed up.
    /// </summary>
    private async Task RefuseEarlierLayoutAsync(CancellationToken cancellationToken)
    {
        const string counter = CaptureArtifactNames.Prefix + "sequence";
        if (!await SqliteSchemaReader.TableExistsAsync(_connection, counter, cancellationToken).ConfigureAwait(false)) return;
        throw new InvalidOperationException(
            $"Change capture in '{_databasePath}' was installed by an earlier HarmonyLite build (it has a table '{counter}' and a change log per table), which this build cannot read. "
            + "Let that build publish what is pending, then remove capture (harmonylite -config <file> -cleanup, or Uninstall-HarmonyTriggers) and start this build, which installs it afresh.");
    }

    /// <summary>HarmonyLite objects of one type, name to SQL text.</summary>
    private async Task<Dictionary<string, string>> ReadArtifactsAsync(string type, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand(
            $"SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = @type AND name LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\'", ("@type", type));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var artifacts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Indexes SQLite made for constraints go with their table.
            if (type == "index" && reader.GetString(1).Length == 0) continue;
            artifacts[reader.GetString(0)] = reader.GetString(1);
        }
        return artifacts;
    }

    private async Task<int> CountValueColumnsAsync(CancellationToken cancellationToken) =>
        (await SqliteSchemaReader.ReadColumnNamesAsync(_connection, CaptureArtifactNames.Changes, cancellationToken).ConfigureAwait(false))
            .Count(CaptureSqlBuilder.IsValueColumn);

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
