using System.Globalization;
using System.Text;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Generates the DDL of one table's capture artifacts: change log, version table and triggers. The trigger SQL uses
/// only built-in functions and plain INSERT/UPDATE (no UPSERT), so any SQLite client, old or new, with default
/// settings (trusted_schema off included) can keep writing the table.
/// </summary>
internal static class CaptureSqlBuilder
{
    /// <summary>Milliseconds since 1970 from julianday('now') (exact: round() undoes the division SQLite did), in the high bits.</summary>
    private static readonly string WallClockHlc =
        $"((CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) << {RowVersion.LogicalBits})";

    /// <summary>
    /// The change-log column holding the value of a generation's column at <paramref name="index"/> (its position in
    /// <see cref="CaptureDefinition.Columns"/>): positional, so one log serves every table and every generation.
    /// </summary>
    public static string ValueColumn(int index) => "v" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds the change-log value column at <paramref name="index"/>; no declared type, so BLOB affinity stores every value exactly as the trigger hands it over.</summary>
    public static string AddValueColumn(int index) =>
        $"ALTER TABLE {Q(CaptureArtifactNames.Changes)} ADD COLUMN {Q(ValueColumn(index))}";

    public static string VersionKeyColumn(int index) => "key" + (index + 1).ToString(CultureInfo.InvariantCulture);

    public static string CreateVersions(string table, IReadOnlyList<CaptureKeyColumn> key)
    {
        var columns = key.Select((k, i) => $"{Q(VersionKeyColumn(i))} COLLATE {k.Collation}");
        var primaryKey = key.Select((_, i) => Q(VersionKeyColumn(i)));
        return $"CREATE TABLE {Q(CaptureArtifactNames.Versions(table))}({string.Join(", ", columns)}, hlc INTEGER NOT NULL, node_id INTEGER NOT NULL, tombstone INTEGER NOT NULL, PRIMARY KEY ({string.Join(", ", primaryKey)})) WITHOUT ROWID";
    }

    /// <param name="nullableKey">The key columns that accept NULL: a write that leaves one NULL is refused.</param>
    public static IReadOnlyList<CaptureTrigger> Triggers(string table, CaptureDefinition definition, long generation, long nodeId, IReadOnlyList<string> nullableKey)
    {
        var silent = $"NOT EXISTS (SELECT 1 FROM {Q(CaptureArtifactNames.Silence)} WHERE active = 1)";
        var sameKey = string.Join(" AND ", definition.Key.Select(k => $"OLD.{Q(k.Name)} IS NEW.{Q(k.Name)}"));
        var keyColumns = definition.Key.Select(k => k.Name).ToList();
        var gen = generation.ToString(CultureInfo.InvariantCulture);
        var node = nodeId.ToString(CultureInfo.InvariantCulture);

        string Upsert(string row, ChangeOperation op) =>
            SetVersion(table, definition, row, node, tombstone: false, nullableKey) + AppendLog(table, definition, row, op, definition.Columns, gen);
        // A row whose key was NULL was never replicated: deleting it, or giving it a key, concerns no other node.
        string Delete(string row) =>
            SetVersion(table, definition, row, node, tombstone: true, nullableKey) + AppendLog(table, definition, row, ChangeOperation.Delete, keyColumns, gen);

        List<CaptureTrigger> nullKeyGuards = [];
        if (nullableKey.Count > 0)
        {
            var anyNull = string.Join(" OR ", nullableKey.Select(k => $"NEW.{Q(k)} IS NULL"));
            var refusal = $"  SELECT RAISE(ABORT, {Literal(NullKeyRefusal(table, nullableKey))});\n";
            nullKeyGuards.Add(Trigger(CaptureArtifactNames.NullKeyInsertTrigger(table), "INSERT", table, anyNull, refusal));
            nullKeyGuards.Add(Trigger(CaptureArtifactNames.NullKeyUpdateTrigger(table), "UPDATE", table, anyNull, refusal));
        }

        return
        [
            .. nullKeyGuards,
            Trigger(CaptureArtifactNames.InsertTrigger(table), "INSERT", table, silent, Upsert("NEW", ChangeOperation.Insert)),
            Trigger(CaptureArtifactNames.UpdateTrigger(table), "UPDATE", table, $"{silent} AND ({sameKey})", Upsert("NEW", ChangeOperation.Update)),
            // A changed primary key moves the row: a delete of the old key, then an insert of the new one.
            Trigger(CaptureArtifactNames.KeyUpdateTrigger(table), "UPDATE", table, $"{silent} AND NOT ({sameKey})", Delete("OLD") + Upsert("NEW", ChangeOperation.Insert)),
            Trigger(CaptureArtifactNames.DeleteTrigger(table), "DELETE", table, silent, Delete("OLD")),
        ];
    }

    /// <summary>What an application that writes a NULL key is told, in its own transaction (the statement fails).</summary>
    public static string NullKeyRefusal(string table, IReadOnlyList<string> nullableKey) =>
        $"HarmonyLite replicates table '{table}', and a row whose primary key ({string.Join(", ", nullableKey)}) is NULL could not be "
        + "identified on the other nodes: give the row a key value";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static CaptureTrigger Trigger(string name, string operation, string table, string when, string body) =>
        new(name, $"CREATE TRIGGER {Q(name)} AFTER {operation} ON {Q(table)} FOR EACH ROW WHEN {when} BEGIN\n{body}END");

    /// <summary>
    /// The two statements that capture rows written before the triggers existed, as inserts: those without a version row.
    /// Both take the same rows (rowid from <c>@from</c> through <c>@through</c> for a rowid table, all rows for a WITHOUT
    /// ROWID one) and must run in one transaction, the change log first, since the second gives the rows their version.
    /// Parameters: <c>@hlc</c> (the version given to every row), and the rowid bounds.
    /// </summary>
    public static (string Changes, string Versions) CaptureExistingRows(string table, CaptureDefinition definition, long generation, long nodeId, string? rowid)
    {
        // Rows with a NULL key cannot be identified elsewhere: install reports them instead.
        var unversioned = string.Concat(definition.Key.Select(k => $"t.{Q(k.Name)} IS NOT NULL AND "))
            + $"NOT EXISTS (SELECT 1 FROM {Q(CaptureArtifactNames.Versions(table))} AS v WHERE {KeyMatch(definition, "t", "v.")})";
        var where = rowid is null ? $"WHERE {unversioned}" : $"WHERE t.{rowid} >= @from AND t.{rowid} <= @through AND {unversioned} ORDER BY t.{rowid}";
        var valueColumns = string.Join("", definition.Columns.Select((_, i) => ", " + Q(ValueColumn(i))));
        var values = string.Join("", definition.Columns.Select(c => $", t.{Q(c)}"));
        var node = nodeId.ToString(CultureInfo.InvariantCulture);
        var changes = $"INSERT INTO {Q(CaptureArtifactNames.Changes)}(generation, op, hlc, node_id{valueColumns}) "
            + $"SELECT {generation.ToString(CultureInfo.InvariantCulture)}, {(int)ChangeOperation.Insert}, @hlc, {node}{values} FROM {Q(table)} AS t {where}";
        var keyNames = string.Join(", ", definition.Key.Select((_, i) => Q(VersionKeyColumn(i))));
        var keyValues = string.Join(", ", definition.Key.Select(k => $"t.{Q(k.Name)}"));
        var versions = $"INSERT INTO {Q(CaptureArtifactNames.Versions(table))}({keyNames}, hlc, node_id, tombstone) "
            + $"SELECT {keyValues}, @hlc, {node}, 0 FROM {Q(table)} AS t {where}";
        return (changes, versions);
    }

    /// <summary>
    /// The row's new version: max(wall clock, previous version + 1), written by this node; a tombstone for deletes.
    /// An UPDATE of the existing version row, else an INSERT guarded by NOT EXISTS: neither can hit a constraint,
    /// which matters because the conflict clause of the application's statement (INSERT OR IGNORE, UPSERT, ...)
    /// overrides any conflict clause inside a trigger.
    /// </summary>
    private static string SetVersion(string table, CaptureDefinition definition, string row, string node, bool tombstone, IReadOnlyList<string> nullableKey)
    {
        var keyPresent = string.Concat(nullableKey.Select(k => $"{row}.{Q(k)} IS NOT NULL AND "));
        var versions = Q(CaptureArtifactNames.Versions(table));
        var keyNames = string.Join(", ", definition.Key.Select((_, i) => Q(VersionKeyColumn(i))));
        var keyValues = string.Join(", ", definition.Key.Select(k => $"{row}.{Q(k.Name)}"));
        var flag = tombstone ? 1 : 0;
        return $"  UPDATE {versions} SET hlc = max({WallClockHlc}, {NextAfter("hlc")}), node_id = {node}, tombstone = {flag} WHERE {KeyMatch(definition, row)};\n"
            + $"  INSERT INTO {versions}({keyNames}, hlc, node_id, tombstone) SELECT {keyValues}, {WallClockHlc}, {node}, {flag} "
            + $"WHERE {keyPresent}NOT EXISTS (SELECT 1 FROM {versions} WHERE {KeyMatch(definition, row)});\n";
    }

    /// <summary>
    /// Appends the change to the shared log. Its number is the new rowid, one more than the greatest: SQLite runs one
    /// writer at a time, so a transaction's changes get consecutive numbers. Each value goes to the column of its
    /// position in the generation's column list.
    /// </summary>
    private static string AppendLog(string table, CaptureDefinition definition, string row, ChangeOperation op, IReadOnlyList<string> columns, string generation)
    {
        var positions = columns.Select(definition.IndexOfColumn).ToList();
        var names = string.Join("", positions.Select(i => ", " + Q(ValueColumn(i))));
        var values = string.Join("", columns.Select(c => $", {row}.{Q(c)}"));
        var versions = Q(CaptureArtifactNames.Versions(table));
        return $"  INSERT INTO {Q(CaptureArtifactNames.Changes)}(generation, op, hlc, node_id{names}) "
            + $"SELECT {generation}, {(int)op}, v.hlc, v.node_id{values} FROM {versions} AS v WHERE {KeyMatch(definition, row, "v.")};\n";
    }

    /// <summary>
    /// The version key columns equal to the row's key. The unary + strips the key column's affinity from the row's value:
    /// the version columns have none (they store values exactly), and comparing them with an INTEGER, REAL or NUMERIC
    /// value would apply numeric affinity to the version column, which the primary key index cannot serve, so every
    /// write would scan the version table.
    /// </summary>
    private static string KeyMatch(CaptureDefinition definition, string row, string qualifier = "") =>
        string.Join(" AND ", definition.Key.Select((k, i) => $"{qualifier}{Q(VersionKeyColumn(i))} = +{row}.{Q(k.Name)}"));

    /// <summary>One more than <paramref name="hlc"/>, which stays an integer even at the greatest one (SQLite would overflow it into a REAL).</summary>
    private static string NextAfter(string hlc) => $"min({hlc}, {long.MaxValue - 1}) + 1";

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
