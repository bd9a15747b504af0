using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// The prepared statements that apply changes to one local table and its version table, reused for every change of that
/// table until the schema changes. Two statements per row change: the version claim, which writes the change's version
/// only when it is newer than the row's (so it also says whether the change wins), then the row write.
/// </summary>
internal sealed class ApplyTable : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _readVersion;
    private readonly SqliteStatement _claimVersion;
    private readonly SqliteStatement _delete;
    private readonly Dictionary<string, SqliteStatement> _upserts = new(StringComparer.Ordinal);
    private ColumnLayout? _lastLayout;

    public ApplyTable(SqliteConnection connection, SqliteTableSchema schema)
    {
        _connection = connection;
        Name = schema.Name;
        Key = schema.PrimaryKey;
        ColumnsByName = schema.StoredColumns.ToDictionary(c => c.Name, c => c.Name, StringComparer.OrdinalIgnoreCase);

        var versions = Q(CaptureArtifactNames.Versions(Name));
        var versionKeys = Key.Select((_, i) => Q(CaptureSqlBuilder.VersionKeyColumn(i))).ToList();
        var keyParameters = Key.Select((_, i) => $"?{i + 1}").ToList();
        var keyMatch = string.Join(" AND ", versionKeys.Select((k, i) => $"{k} = {keyParameters[i]}"));
        var hlc = $"?{Key.Count + 1}";
        var node = $"?{Key.Count + 2}";
        var tombstone = $"?{Key.Count + 3}";
        _readVersion = SqliteStatement.Prepare(connection, $"SELECT hlc, node_id FROM {versions} WHERE {keyMatch}");
        _claimVersion = SqliteStatement.Prepare(connection,
            $"INSERT INTO {versions}({string.Join(", ", versionKeys)}, hlc, node_id, tombstone) VALUES ({string.Join(", ", keyParameters)}, {hlc}, {node}, {tombstone}) "
            + $"ON CONFLICT DO UPDATE SET hlc = excluded.hlc, node_id = excluded.node_id, tombstone = excluded.tombstone "
            + $"WHERE (excluded.hlc, excluded.node_id) > (hlc, node_id)");
        _delete = SqliteStatement.Prepare(connection,
            $"DELETE FROM {Q(Name)} WHERE {string.Join(" AND ", Key.Select((k, i) => $"{Q(k.Name)} = {keyParameters[i]}"))}");
    }

    public string Name { get; }

    /// <summary>The local primary key, in key order.</summary>
    public IReadOnlyList<SqliteKeyColumn> Key { get; }

    /// <summary>Stored columns by name (case-insensitive, as SQLite matches them) to their local spelling.</summary>
    public IReadOnlyDictionary<string, string> ColumnsByName { get; }

    /// <summary>
    /// Where a change's columns go here: their local names and where the key is among them. Consecutive changes of a table
    /// usually carry the same columns (one capture generation), so the last layout is kept and checked first.
    /// </summary>
    /// <exception cref="ColumnMismatchException">The change has columns this table lacks, or lacks a key column.</exception>
    public ColumnLayout LayoutOf(IReadOnlyList<ColumnValue> columns, string stream, ulong sequence)
    {
        if (_lastLayout is { } last && last.Matches(columns)) return last;
        var local = new string[columns.Count];
        var unknown = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            if (!ColumnsByName.TryGetValue(columns[i].Name, out var name)) unknown.Add(columns[i].Name);
            else if (Array.IndexOf(local, name, 0, i) >= 0) unknown.Add($"{columns[i].Name} (given twice)");
            else local[i] = name;
        }
        var key = new int[Key.Count];
        var missingKey = new List<string>();
        for (var k = 0; k < Key.Count; k++)
        {
            key[k] = Array.FindIndex(local, c => string.Equals(c, Key[k].Name, StringComparison.OrdinalIgnoreCase));
            if (key[k] < 0) missingKey.Add(Key[k].Name);
        }
        if (unknown.Count > 0 || missingKey.Count > 0) throw new ColumnMismatchException(stream, sequence, Name, unknown, missingKey);
        _lastLayout = new ColumnLayout(columns.Select(c => c.Name).ToArray(), local, key);
        return _lastLayout;
    }

    /// <summary>The row's current version, or null when this node has none for the key.</summary>
    public RowVersion? ReadVersion(ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        BindKey(_readVersion, layout, columns);
        try
        {
            return _readVersion.Step() ? new RowVersion(_readVersion.GetInt64(0), _readVersion.GetInt64(1)) : null;
        }
        finally
        {
            _readVersion.Reset();
        }
    }

    /// <summary>Records <paramref name="version"/> as the row's when it is newer than the row's; returns whether it was.</summary>
    public bool ClaimVersion(ColumnLayout layout, IReadOnlyList<ColumnValue> columns, RowVersion version, bool tombstone)
    {
        BindKey(_claimVersion, layout, columns);
        _claimVersion.Bind(Key.Count + 1, version.Hlc);
        _claimVersion.Bind(Key.Count + 2, version.NodeId);
        _claimVersion.Bind(Key.Count + 3, tombstone ? 1L : 0L);
        return _claimVersion.Execute() == 1;
    }

    public void Delete(ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        BindKey(_delete, layout, columns);
        _delete.Execute();
    }

    /// <summary>
    /// Inserts the row, or updates the given columns of the row with the same key. Columns the change does not carry
    /// keep their value (or get their default on insert). Never INSERT OR REPLACE: that deletes first, which fires
    /// delete triggers and ON DELETE actions of foreign keys.
    /// </summary>
    public void Upsert(ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        var statement = layout.Upsert ??= UpsertStatement(layout.LocalNames);
        for (var i = 0; i < columns.Count; i++) statement.Bind(i + 1, columns[i].Value);
        statement.Execute();
    }

    public void Dispose()
    {
        _readVersion.Dispose();
        _claimVersion.Dispose();
        _delete.Dispose();
        foreach (var statement in _upserts.Values) statement.Dispose();
    }

    private SqliteStatement UpsertStatement(IReadOnlyList<string> columns)
    {
        var signature = string.Join("\u0001", columns);
        if (_upserts.TryGetValue(signature, out var statement)) return statement;
        var names = string.Join(", ", columns.Select(Q));
        var target = string.Join(", ", Key.Select(k => string.Equals(k.Collation, "BINARY", StringComparison.OrdinalIgnoreCase) ? Q(k.Name) : $"{Q(k.Name)} COLLATE {k.Collation}"));
        // Key columns are set too: under a NOCASE or RTRIM key the origin may have changed the key's spelling.
        var action = "DO UPDATE SET " + string.Join(", ", columns.Select(c => $"{Q(c)} = excluded.{Q(c)}"));
        statement = SqliteStatement.Prepare(_connection,
            $"INSERT INTO {Q(Name)}({names}) VALUES ({string.Join(", ", columns.Select((_, i) => $"?{i + 1}"))}) ON CONFLICT({target}) {action}");
        _upserts[signature] = statement;
        return statement;
    }

    private void BindKey(SqliteStatement statement, ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        for (var k = 0; k < layout.KeyIndexes.Length; k++) statement.Bind(k + 1, columns[layout.KeyIndexes[k]].Value);
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);

    /// <summary>How one list of change columns maps onto this table.</summary>
    internal sealed class ColumnLayout(string[] names, string[] localNames, int[] keyIndexes)
    {
        /// <summary>The local spelling of each change column, in the change's order.</summary>
        public string[] LocalNames { get; } = localNames;

        /// <summary>For each local key column, in key order, its index among the change's columns.</summary>
        public int[] KeyIndexes { get; } = keyIndexes;

        /// <summary>The upsert for exactly these columns, prepared on first use.</summary>
        public SqliteStatement? Upsert { get; set; }

        /// <summary>Whether <paramref name="columns"/> has exactly the names this layout was made for (names repeat as the same instances within a batch).</summary>
        public bool Matches(IReadOnlyList<ColumnValue> columns)
        {
            if (columns.Count != names.Length) return false;
            for (var i = 0; i < names.Length; i++)
                if (!ReferenceEquals(columns[i].Name, names[i]) && !string.Equals(columns[i].Name, names[i], StringComparison.Ordinal)) return false;
            return true;
        }
    }
}
