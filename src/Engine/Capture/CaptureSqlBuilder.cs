using System.Globalization;
using System.Text.RegularExpressions;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Generates the DDL of one table's capture artifacts: version table and triggers (the change log is shared). The
/// trigger SQL uses only built-in functions and plain INSERT/UPDATE (no UPSERT), so any SQLite client, old or new,
/// with default settings (trusted_schema off included) can keep writing the table.
/// </summary>
/// <remarks>
/// The version row of a key holds: <c>hlc, node_id</c>, the greatest version the row has had (every new local version
/// steps past it); <c>tombstone</c>; <c>life_hlc, life_node</c>, the version of the insert that began the row's
/// current life or of the delete that ended it; per captured column <c>hN, nN</c>, the version of the column's last
/// change in this life, NULL while it is the life's own version (so a fresh insert writes no column version at all);
/// and <c>held</c>, changes of a life this node has not seen begin yet. See docs/architecture.md, "Conflicts".
/// </remarks>
internal static partial class CaptureSqlBuilder
{
    /// <summary>Milliseconds since 1970 from julianday('now') (exact: round() undoes the division SQLite did), in the high bits.</summary>
    private static readonly string WallClockHlc =
        $"((CAST(round(julianday('now') * 86400000.0) AS INTEGER) - 210866760000000) << {RowVersion.LogicalBits})";

    /// <summary>The version a local write gives a row that has a version row: past the clock and past the row's greatest.</summary>
    private static readonly string NextVersion = $"max({WallClockHlc}, min(hlc, {long.MaxValue - 1}) + 1)";

    /// <summary>
    /// The change-log column holding the value of a generation's column at <paramref name="index"/> (its position in
    /// <see cref="CaptureDefinition.Columns"/>): positional, so one log serves every table and every generation.
    /// </summary>
    public static string ValueColumn(int index) => "v" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether a change-log column is one of the <see cref="ValueColumn"/>s.</summary>
    public static bool IsValueColumn(string name) => ValueColumnName().IsMatch(name);

    /// <summary>Adds the change-log value column at <paramref name="index"/>; no declared type, so BLOB affinity stores every value exactly as the trigger hands it over.</summary>
    public static string AddValueColumn(int index) =>
        $"ALTER TABLE {Q(CaptureArtifactNames.Changes)} ADD COLUMN {Q(ValueColumn(index))}";

    public static string VersionKeyColumn(int index) => "key" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The version row's column holding the clock of the version of the column at <paramref name="index"/>.</summary>
    public static string ColumnClock(int index) => "h" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The version row's column holding the node of the version of the column at <paramref name="index"/>.</summary>
    public static string ColumnNode(int index) => "n" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The version table's columns besides the key, the greatest version and the tombstone flag, with their types.</summary>
    public static IEnumerable<(string Column, string Type)> VersionStateColumns(CaptureDefinition definition)
    {
        yield return ("life_hlc", "INTEGER");
        yield return ("life_node", "INTEGER");
        yield return ("held", "BLOB");
        for (var i = 0; i < definition.Columns.Count; i++)
        {
            yield return (ColumnClock(i), "INTEGER");
            yield return (ColumnNode(i), "INTEGER");
        }
    }

    public static string CreateVersions(string table, CaptureDefinition definition)
    {
        var columns = definition.Key.Select((k, i) => $"{Q(VersionKeyColumn(i))} COLLATE {k.Collation}")
            .Concat(["hlc INTEGER NOT NULL", "node_id INTEGER NOT NULL", "tombstone INTEGER NOT NULL"])
            .Concat(VersionStateColumns(definition).Select(c => $"{Q(c.Column)} {c.Type}"));
        var primaryKey = definition.Key.Select((_, i) => Q(VersionKeyColumn(i)));
        return $"CREATE TABLE {Q(CaptureArtifactNames.Versions(table))}({string.Join(", ", columns)}, PRIMARY KEY ({string.Join(", ", primaryKey)})) WITHOUT ROWID";
    }

    /// <summary>
    /// A partial index of the tombstones by version: the purge finds old ones without reading every row of the version
    /// table, and the triggers only write to it when they delete a row. Created by every install, so earlier ones get it.
    /// </summary>
    public static string CreateTombstoneIndex(string table) =>
        $"CREATE INDEX IF NOT EXISTS {Q(CaptureArtifactNames.TombstoneIndex(table))} ON {Q(CaptureArtifactNames.Versions(table))}(hlc) WHERE tombstone = 1";

    /// <param name="nullableKey">The key columns that accept NULL: a write that leaves one NULL is refused.</param>
    public static IReadOnlyList<CaptureTrigger> Triggers(string table, CaptureDefinition definition, long generation, long nodeId, IReadOnlyList<string> nullableKey)
    {
        var capture = new TableCapture(table, definition, generation.ToString(CultureInfo.InvariantCulture), nodeId.ToString(CultureInfo.InvariantCulture), nullableKey);
        var silent = $"NOT EXISTS (SELECT 1 FROM {Q(CaptureArtifactNames.Silence)} WHERE active = 1)";
        var sameKey = string.Join(" AND ", definition.Key.Select(k => $"OLD.{Q(k.Name)} IS NEW.{Q(k.Name)}"));
        var anyChanged = string.Join(" OR ", definition.Columns.Select(Changed));

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
            Trigger(CaptureArtifactNames.InsertTrigger(table), "INSERT", table, silent, capture.Insert("NEW")),
            // An update that changes no value (SET a = a) is no change: nothing is captured.
            Trigger(CaptureArtifactNames.UpdateTrigger(table), "UPDATE", table, $"{silent} AND ({sameKey}) AND ({anyChanged})", capture.Update()),
            // A changed primary key moves the row: a delete of the old key, then an insert of the new one.
            Trigger(CaptureArtifactNames.KeyUpdateTrigger(table), "UPDATE", table, $"{silent} AND NOT ({sameKey})", capture.Delete("OLD") + capture.Insert("NEW")),
            Trigger(CaptureArtifactNames.DeleteTrigger(table), "DELETE", table, silent, capture.Delete("OLD")),
        ];
    }

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
        var versions = $"INSERT INTO {Q(CaptureArtifactNames.Versions(table))}({keyNames}, hlc, node_id, tombstone, life_hlc, life_node) "
            + $"SELECT {keyValues}, @hlc, {node}, 0, @hlc, {node} FROM {Q(table)} AS t {where}";
        return (changes, versions);
    }

    /// <summary>What an application that writes a NULL key is told, in its own transaction (the statement fails).</summary>
    public static string NullKeyRefusal(string table, IReadOnlyList<string> nullableKey) =>
        $"HarmonyLite replicates table '{table}', and a row whose primary key ({string.Join(", ", nullableKey)}) is NULL could not be "
        + "identified on the other nodes: give the row a key value";

    /// <summary>
    /// Whether an update changed a column: any difference of value or storage class, compared byte for byte (BINARY), so
    /// a change of letter case under a NOCASE column counts. SQLite's own equality is kept in one respect: 0.0 and -0.0
    /// compare equal.
    /// </summary>
    private static string Changed(string column) =>
        $"(OLD.{Q(column)} IS NOT NEW.{Q(column)} COLLATE BINARY OR typeof(OLD.{Q(column)}) IS NOT typeof(NEW.{Q(column)}))";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static CaptureTrigger Trigger(string name, string operation, string table, string when, string body) =>
        new(name, $"CREATE TRIGGER {Q(name)} AFTER {operation} ON {Q(table)} FOR EACH ROW WHEN {when} BEGIN\n{body}END");

    /// <summary>
    /// The version key columns equal to the row's key. The unary + strips the key column's affinity from the row's value:
    /// the version columns have none (they store values exactly), and comparing them with an INTEGER, REAL or NUMERIC
    /// value would apply numeric affinity to the version column, which the primary key index cannot serve, so every
    /// write would scan the version table.
    /// </summary>
    private static string KeyMatch(CaptureDefinition definition, string row, string qualifier = "") =>
        string.Join(" AND ", definition.Key.Select((k, i) => $"{qualifier}{Q(VersionKeyColumn(i))} = +{row}.{Q(k.Name)}"));

    private static string Q(string name) => SqliteIdentifier.Quote(name);

    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex ValueColumnName();

    /// <summary>The statement lists of one table's triggers.</summary>
    private sealed class TableCapture(string table, CaptureDefinition definition, string generation, string node, IReadOnlyList<string> nullableKey)
    {
        private readonly string _versions = Q(CaptureArtifactNames.Versions(table));
        private readonly string _changes = Q(CaptureArtifactNames.Changes);

        /// <summary>A new life: the row's version and life become a new version, column versions are cleared; every column is logged.</summary>
        public string Insert(string row) =>
            SetLife(row, tombstone: false) + CreateVersionRow(row, tombstone: false)
            + $"  INSERT INTO {_changes}(generation, op, hlc, node_id{ValueColumns(definition.Columns)}) "
            + $"SELECT {generation}, {(int)ChangeOperation.Insert}, v.hlc, v.node_id{Values(row, definition.Columns)} FROM {_versions} AS v WHERE {KeyMatch(definition, row, "v.")};\n";

        /// <summary>The end of the row's life, as a tombstone version; the key is logged.</summary>
        public string Delete(string row)
        {
            var key = definition.Key.Select(k => k.Name).ToList();
            return SetLife(row, tombstone: true) + CreateVersionRow(row, tombstone: true)
                + $"  INSERT INTO {_changes}(generation, op, hlc, node_id{ValueColumns(key)}) "
                + $"SELECT {generation}, {(int)ChangeOperation.Delete}, v.hlc, v.node_id{Values(row, key)} FROM {_versions} AS v WHERE {KeyMatch(definition, row, "v.")};\n";
        }

        /// <summary>
        /// Column versions for the columns the update changed (and the key, which every update carries), and a log row
        /// with the key and the changed values, the life it belongs to, and a mask of which columns it carries. A row
        /// without a version row (it escaped capture) is logged as an insert of the whole row instead.
        /// </summary>
        public string Update()
        {
            var isKey = definition.Columns.Select(c => definition.Key.Any(k => string.Equals(k.Name, c, StringComparison.OrdinalIgnoreCase))).ToList();
            var slots = definition.Columns.Select((c, i) => isKey[i]
                ? $", {Q(ColumnClock(i))} = {NextVersion}, {Q(ColumnNode(i))} = {node}"
                : $", {Q(ColumnClock(i))} = CASE WHEN {Changed(c)} THEN {NextVersion} ELSE {Q(ColumnClock(i))} END, {Q(ColumnNode(i))} = CASE WHEN {Changed(c)} THEN {node} ELSE {Q(ColumnNode(i))} END");
            // Rows of earlier builds have no life: it is their version until now, kept as the life from here on.
            var update = $"  UPDATE {_versions} SET life_hlc = coalesce(life_hlc, hlc), life_node = coalesce(life_node, node_id), "
                + $"hlc = {NextVersion}, node_id = {node}{string.Concat(slots)} WHERE {KeyMatch(definition, "NEW")};\n";
            // The log reads which columns changed back from the version row the UPDATE above just wrote: a changed
            // column's clock is the row's new version, which is past every clock the row had. One integer comparison
            // a column instead of comparing OLD and NEW again (the comparison is most of a wide update's cost).
            var mask = string.Join(" || ", definition.Columns.Select((c, i) => isKey[i] ? "'1'" : $"({WasVersioned(i)})"));
            var values = string.Concat(definition.Columns.Select((c, i) => isKey[i] ? $", NEW.{Q(c)}" : $", CASE WHEN {WasVersioned(i)} THEN NEW.{Q(c)} END"));
            var log = $"  INSERT INTO {_changes}(generation, op, hlc, node_id, life_hlc, life_node, mask{ValueColumns(definition.Columns)}) "
                + $"SELECT {generation}, {(int)ChangeOperation.Update}, v.hlc, v.node_id, v.life_hlc, v.life_node, {mask}{values} FROM {_versions} AS v WHERE {KeyMatch(definition, "NEW", "v.")};\n";
            var escaped = $"  INSERT INTO {_changes}(generation, op, hlc, node_id{ValueColumns(definition.Columns)}) "
                + $"SELECT {generation}, {(int)ChangeOperation.Insert}, {WallClockHlc}, {node}{Values("NEW", definition.Columns)} WHERE {KeyPresent("NEW")}NOT EXISTS (SELECT 1 FROM {_versions} WHERE {KeyMatch(definition, "NEW")});\n";
            // In this order: the log rows are made before the escaped row gets its version row.
            return update + log + escaped + CreateVersionRow("NEW", tombstone: false);
        }

        private static string WasVersioned(int column) => $"v.{Q(ColumnClock(column))} IS v.hlc";

        /// <summary>A life event on an existing version row: new version and life, no column versions.</summary>
        private string SetLife(string row, bool tombstone)
        {
            var clear = string.Concat(definition.Columns.Select((_, i) => $", {Q(ColumnClock(i))} = NULL, {Q(ColumnNode(i))} = NULL"));
            return $"  UPDATE {_versions} SET hlc = {NextVersion}, node_id = {node}, tombstone = {(tombstone ? 1 : 0)}, life_hlc = {NextVersion}, life_node = {node}{clear} "
                + $"WHERE {KeyMatch(definition, row)};\n";
        }

        /// <summary>
        /// The version row of a key that has none yet. Guarded by NOT EXISTS rather than a conflict clause: the conflict
        /// clause of the application's statement (INSERT OR IGNORE, UPSERT, ...) would override one inside a trigger.
        /// </summary>
        private string CreateVersionRow(string row, bool tombstone)
        {
            var keyNames = string.Join(", ", definition.Key.Select((_, i) => Q(VersionKeyColumn(i))));
            var keyValues = string.Join(", ", definition.Key.Select(k => $"{row}.{Q(k.Name)}"));
            return $"  INSERT INTO {_versions}({keyNames}, hlc, node_id, tombstone, life_hlc, life_node) "
                + $"SELECT {keyValues}, {WallClockHlc}, {node}, {(tombstone ? 1 : 0)}, {WallClockHlc}, {node} "
                + $"WHERE {KeyPresent(row)}NOT EXISTS (SELECT 1 FROM {_versions} WHERE {KeyMatch(definition, row)});\n";
        }

        // A row whose key was NULL was never replicated: deleting it, or giving it a key, concerns no other node.
        private string KeyPresent(string row) => string.Concat(nullableKey.Select(k => $"{row}.{Q(k)} IS NOT NULL AND "));

        private string ValueColumns(IEnumerable<string> columns) =>
            string.Concat(columns.Select(c => ", " + Q(ValueColumn(definition.IndexOfColumn(c)))));

        private static string Values(string row, IEnumerable<string> columns) => string.Concat(columns.Select(c => $", {row}.{Q(c)}"));
    }
}
