using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// Applies changes to one local table and its version table, merging column by column (docs/architecture.md,
/// "Conflicts"), with statements prepared once and reused until the schema changes.
/// </summary>
/// <remarks>
/// <para>The rules, the same on every node whatever order changes arrive in: the life events of a row (inserts and
/// deletes) are ordered by their versions, the greatest is the row's state. Within a life, each column takes the value
/// of the change with the greatest version that carried it. A change of an older life is dropped (a delete wins over
/// every change of the life it ends). A change of a life whose insert has not arrived yet is held in the version row
/// and merged when it does.</para>
/// <para>The common case costs two statements: an insert of a key this node has never seen claims the version row and
/// writes the row. Anything else reads the version row first, then writes what won.</para>
/// </remarks>
internal sealed class ApplyTable : IDisposable
{
    private static readonly ChangeBatchEncoder HeldEncoder = new(new ChangeBatchEncoderOptions { Compress = false });
    private static readonly ChangeBatchDecoder HeldDecoder = new();

    private readonly SqliteConnection _connection;
    private readonly IReadOnlySet<string> _knownSchemaHashes;
    private readonly string _versions;
    private readonly string[] _columns;
    private readonly SqliteStatement _readState;
    private readonly SqliteStatement _claimNew;
    private readonly SqliteStatement _writeState;
    private readonly SqliteStatement _delete;
    private readonly Dictionary<string, SqliteStatement> _upserts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> _updates = new(StringComparer.Ordinal);
    private ColumnLayout? _lastLayout;

    /// <param name="schemaHash">The table's <see cref="TableSchemaHash"/> now.</param>
    /// <param name="knownSchemaHashes">Every schema hash the table has had here: changes captured under any of them apply.</param>
    public ApplyTable(SqliteConnection connection, SqliteTableSchema schema, string schemaHash, IReadOnlySet<string> knownSchemaHashes)
    {
        _connection = connection;
        Name = schema.Name;
        SchemaHash = schemaHash;
        _knownSchemaHashes = knownSchemaHashes;
        Key = schema.PrimaryKey;
        _columns = schema.StoredColumns.Select(c => c.Name).ToArray();
        ColumnsByName = _columns.ToDictionary(c => c, c => c, StringComparer.OrdinalIgnoreCase);
        _versions = Q(CaptureArtifactNames.Versions(Name));

        var keyMatch = string.Join(" AND ", Key.Select((_, i) => $"{Q(CaptureSqlBuilder.VersionKeyColumn(i))} = ?{i + 1}"));
        var slots = string.Concat(_columns.Select((_, i) => $", {Q(CaptureSqlBuilder.ColumnClock(i))}, {Q(CaptureSqlBuilder.ColumnNode(i))}"));
        _readState = SqliteStatement.Prepare(connection, $"SELECT hlc, node_id, tombstone, life_hlc, life_node, held{slots} FROM {_versions} WHERE {keyMatch}");
        var keys = string.Join(", ", Key.Select((_, i) => Q(CaptureSqlBuilder.VersionKeyColumn(i))));
        var k = Key.Count;
        _claimNew = SqliteStatement.Prepare(connection,
            $"INSERT INTO {_versions}({keys}, hlc, node_id, tombstone, life_hlc, life_node) VALUES ({Parameters(1, k)}, ?{k + 1}, ?{k + 2}, ?{k + 3}, ?{k + 1}, ?{k + 2}) ON CONFLICT DO NOTHING");
        var setSlots = string.Concat(_columns.Select((_, i) => $", {Q(CaptureSqlBuilder.ColumnClock(i))} = ?{k + 7 + 2 * i}, {Q(CaptureSqlBuilder.ColumnNode(i))} = ?{k + 8 + 2 * i}"));
        _writeState = SqliteStatement.Prepare(connection,
            $"UPDATE {_versions} SET hlc = ?{k + 1}, node_id = ?{k + 2}, tombstone = ?{k + 3}, life_hlc = ?{k + 4}, life_node = ?{k + 5}, held = ?{k + 6}{setSlots} WHERE {keyMatch}");
        _delete = SqliteStatement.Prepare(connection,
            $"DELETE FROM {Q(Name)} WHERE {string.Join(" AND ", Key.Select((c, i) => $"{Q(c.Name)} = ?{i + 1}"))}");
    }

    public string Name { get; }

    /// <summary>The table's schema hash now.</summary>
    public string SchemaHash { get; }

    /// <summary>
    /// Whether a change captured under schema <paramref name="hash"/> fits this table: the table has, or had, that
    /// schema here (an older one: its changes carry fewer columns). Changes that do not say always fit.
    /// </summary>
    public bool KnowsSchema(string? hash) => hash is null || hash == SchemaHash || _knownSchemaHashes.Contains(hash);

    /// <summary>The local primary key, in key order.</summary>
    public IReadOnlyList<SqliteKeyColumn> Key { get; }

    /// <summary>Stored columns by name (case-insensitive, as SQLite matches them) to their local spelling.</summary>
    public IReadOnlyDictionary<string, string> ColumnsByName { get; }

    /// <summary>
    /// Where a change's columns go here: their local names, positions and where the key is among them. Consecutive
    /// changes of a table usually carry the same columns, so the last layout is kept and checked first.
    /// </summary>
    /// <exception cref="ColumnMismatchException">The change has columns this table lacks, or lacks a key column.</exception>
    public ColumnLayout LayoutOf(IReadOnlyList<ColumnValue> columns, string stream, ulong sequence)
    {
        if (_lastLayout is { } last && last.Matches(columns)) return last;
        var positions = new int[columns.Count];
        var unknown = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            positions[i] = Array.FindIndex(_columns, c => string.Equals(c, columns[i].Name, StringComparison.OrdinalIgnoreCase));
            if (positions[i] < 0) unknown.Add(columns[i].Name);
            else if (Array.IndexOf(positions, positions[i], 0, i) >= 0) unknown.Add($"{columns[i].Name} (given twice)");
        }
        var key = new int[Key.Count];
        var missingKey = new List<string>();
        for (var k = 0; k < Key.Count; k++)
        {
            key[k] = Array.FindIndex(positions, p => p >= 0 && string.Equals(_columns[p], Key[k].Name, StringComparison.OrdinalIgnoreCase));
            if (key[k] < 0) missingKey.Add(Key[k].Name);
        }
        if (unknown.Count > 0 || missingKey.Count > 0) throw new ColumnMismatchException(stream, sequence, Name, unknown, missingKey);
        _lastLayout = new ColumnLayout(columns.Select(c => c.Name).ToArray(), positions, key);
        return _lastLayout;
    }

    /// <summary>What this node knows of the row's versions, or null when it has never seen the key.</summary>
    public RowState? ReadState(ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        BindKey(_readState, layout, columns);
        try
        {
            if (!_readState.Step()) return null;
            var greatest = new RowVersion(_readState.GetInt64(0), _readState.GetInt64(1));
            // Rows of earlier builds have no life: their one version is it.
            var life = _readState.IsNull(3) ? greatest : new RowVersion(_readState.GetInt64(3), _readState.GetInt64(4));
            var slots = new RowVersion?[_columns.Length];
            for (var i = 0; i < slots.Length; i++)
                if (!_readState.IsNull(6 + 2 * i)) slots[i] = new RowVersion(_readState.GetInt64(6 + 2 * i), _readState.GetInt64(7 + 2 * i));
            return new RowState(greatest, _readState.GetInt64(2) != 0, life, slots, _readState.IsNull(5) ? null : (byte[])_readState.GetValue(5)!);
        }
        finally
        {
            _readState.Reset();
        }
    }

    /// <summary>
    /// Applies one change; returns false when it changes nothing here (it lost to what the row has, or was here already).
    /// A change held until its life begins here counts as applied: it is kept.
    /// </summary>
    public bool Apply(RowChange change, ColumnLayout layout)
    {
        var columns = change.Columns;
        if (change.Operation == ChangeOperation.Insert && columns.All(c => c.Version is null) && ClaimNew(layout, columns, change.Version, tombstone: false))
        {
            // A key never seen here: the row begins its life with this insert.
            Upsert(layout, Enumerable.Range(0, columns.Count).ToList(), columns, null);
            return true;
        }
        if (change.Operation == ChangeOperation.Delete && ClaimNew(layout, columns, change.Version, tombstone: true)) return true;

        var state = ReadState(layout, columns);
        if (Plan(state, change, layout) is not { } plan) return false;
        if (state is null) ClaimNew(layout, columns, change.Version, plan.Next.Tombstone);
        if (plan.Next.Tombstone && state is { Tombstone: false }) Delete(layout, columns);
        if (plan.Write.Count > 0)
        {
            if (state is null || state.Tombstone || plan.Next.Life != state.Life) Upsert(layout, plan.Write, columns, plan.HeldValues);
            else Update(layout, plan.Write, columns);
        }
        WriteState(layout, columns, plan.Next);
        return true;
    }

    /// <summary>Whether applying <paramref name="change"/> would change anything here (reads only).</summary>
    public bool WouldChange(RowChange change, ColumnLayout layout) => Plan(ReadState(layout, change.Columns), change, layout) is not null;

    public void Dispose()
    {
        _readState.Dispose();
        _claimNew.Dispose();
        _writeState.Dispose();
        _delete.Dispose();
        foreach (var statement in _upserts.Values.Concat(_updates.Values)) statement.Dispose();
    }

    /// <summary>What applying one change does: the row's next state, the change's columns to write, and values of held changes that replace some of them.</summary>
    private readonly record struct ApplyPlan(RowState Next, List<int> Write, Dictionary<int, object?>? HeldValues);

    /// <summary>
    /// The row's next state and the columns to write (indexes into the change's columns), or null when the change
    /// changes nothing: the merge rules in one place, free of SQL.
    /// </summary>
    private ApplyPlan? Plan(RowState? state, RowChange change, ColumnLayout layout)
    {
        var version = change.Version;
        var all = Enumerable.Range(0, change.Columns.Count).ToList();
        switch (change.Operation)
        {
            case ChangeOperation.Delete:
                if (state is not null && version <= state.Life) return null;
                return new ApplyPlan(new RowState(Max(state?.Greatest, version), true, version, new RowVersion?[_columns.Length], KeepHeld(state?.Held, version)), [], null);

            case ChangeOperation.Insert:
            case ChangeOperation.Update when change.Life is null:
                // A row-level update (wire version 1) carries the whole row and wins only over everything the row has had.
                if (change.Operation == ChangeOperation.Update && state is not null && version <= state.Greatest) return null;
                if (state is null || version > state.Life) return NewLife(state, change, layout);
                if (version == state.Life && !state.Tombstone) return MergeColumns(state, change, layout, all);
                return null;

            default:
                var life = change.Life!.Value;
                if (state is not null && life < state.Life) return null; // a change of a life that has ended
                if (state is null || life > state.Life)
                {
                    // Its life has not begun here yet: keep it for when the insert arrives.
                    var held = Hold(state?.Held, change);
                    return new ApplyPlan(state is null
                        ? new RowState(version, true, RowState.NoLife, new RowVersion?[_columns.Length], held)
                        : state with { Held = held }, [], null);
                }
                return state.Tombstone ? null : MergeColumns(state, change, layout, all);
        }
    }

    /// <summary>An insert (or whole-row update) newer than the row's life: a new life, then the held changes of it.</summary>
    private ApplyPlan NewLife(RowState? state, RowChange change, ColumnLayout layout)
    {
        var next = new RowState(Max(state?.Greatest, change.Version), false, change.Version, ColumnVersions(layout, change.Columns, change.Version), null);
        var remaining = new List<RowChange>();
        Dictionary<int, object?>? heldValues = null;
        var write = Enumerable.Range(0, change.Columns.Count).ToList();
        foreach (var held in Unhold(state?.Held))
        {
            if (held.Life > change.Version) remaining.Add(held);
            else if (held.Life == change.Version)
            {
                // Merged into the row as written by this insert: a held column's value replaces the insert's.
                foreach (var column in held.Columns)
                {
                    var at = IndexOf(layout, change.Columns, column.Name);
                    var position = at >= 0 ? layout.Positions[at] : -1;
                    if (position < 0 || held.Version <= next.ColumnVersion(position)) continue;
                    next.Columns[position] = held.Version;
                    next = next with { Greatest = Max(next.Greatest, held.Version) };
                    (heldValues ??= [])[position] = column.Value;
                }
            }
        }
        return new ApplyPlan(next with { Held = Encode(remaining) }, write, heldValues);
    }

    /// <summary>Within one life: each carried column whose version is newer than the column's.</summary>
    private ApplyPlan? MergeColumns(RowState state, RowChange change, ColumnLayout layout, List<int> candidates)
    {
        var columns = (RowVersion?[])state.Columns.Clone();
        var greatest = state.Greatest;
        var write = new List<int>();
        foreach (var i in candidates)
        {
            var position = layout.Positions[i];
            var version = change.Columns[i].Version ?? change.Version;
            if (version <= state.ColumnVersion(position)) continue;
            columns[position] = version;
            greatest = Max(greatest, version);
            write.Add(i);
        }
        return write.Count == 0 ? null : new ApplyPlan(state with { Greatest = greatest, Columns = columns }, write, null);
    }

    private bool ClaimNew(ColumnLayout layout, IReadOnlyList<ColumnValue> columns, RowVersion version, bool tombstone)
    {
        BindKey(_claimNew, layout, columns);
        _claimNew.Bind(Key.Count + 1, version.Hlc);
        _claimNew.Bind(Key.Count + 2, version.NodeId);
        _claimNew.Bind(Key.Count + 3, tombstone ? 1L : 0L);
        return _claimNew.Execute() == 1;
    }

    private void WriteState(ColumnLayout layout, IReadOnlyList<ColumnValue> columns, RowState state)
    {
        var k = Key.Count;
        BindKey(_writeState, layout, columns);
        _writeState.Bind(k + 1, state.Greatest.Hlc);
        _writeState.Bind(k + 2, state.Greatest.NodeId);
        _writeState.Bind(k + 3, state.Tombstone ? 1L : 0L);
        _writeState.Bind(k + 4, state.Life.Hlc);
        _writeState.Bind(k + 5, state.Life.NodeId);
        _writeState.Bind(k + 6, state.Held);
        for (var i = 0; i < _columns.Length; i++)
        {
            var own = state.Columns[i] is { } v && v != state.Life ? v : (RowVersion?)null;
            _writeState.Bind(k + 7 + 2 * i, own?.Hlc);
            _writeState.Bind(k + 8 + 2 * i, own?.NodeId);
        }
        _writeState.Execute();
    }

    private void Delete(ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        BindKey(_delete, layout, columns);
        _delete.Execute();
    }

    /// <summary>
    /// Inserts the row, or sets the given columns of the row with the same key. Columns the change does not carry keep
    /// their value (or get their default on insert). Never INSERT OR REPLACE: that deletes first, which fires delete
    /// triggers and ON DELETE actions of foreign keys. Values of held changes merged into the new life (by local column
    /// position) replace the insert's.
    /// </summary>
    private void Upsert(ColumnLayout layout, List<int> write, IReadOnlyList<ColumnValue> columns, Dictionary<int, object?>? heldValues)
    {
        var names = write.Select(i => _columns[layout.Positions[i]]).ToList();
        var signature = string.Join("\u0001", names);
        if (!_upserts.TryGetValue(signature, out var statement))
        {
            var target = string.Join(", ", Key.Select(k => string.Equals(k.Collation, "BINARY", StringComparison.OrdinalIgnoreCase) ? Q(k.Name) : $"{Q(k.Name)} COLLATE {k.Collation}"));
            // Key columns are set too: under a NOCASE or RTRIM key the origin may have changed the key's spelling.
            var set = string.Join(", ", names.Select(c => $"{Q(c)} = excluded.{Q(c)}"));
            statement = SqliteStatement.Prepare(_connection,
                $"INSERT INTO {Q(Name)}({string.Join(", ", names.Select(Q))}) VALUES ({Parameters(1, names.Count)}) ON CONFLICT({target}) DO UPDATE SET {set}");
            _upserts[signature] = statement;
        }
        for (var j = 0; j < write.Count; j++)
        {
            var position = layout.Positions[write[j]];
            statement.Bind(j + 1, heldValues is not null && heldValues.TryGetValue(position, out var held) ? held : columns[write[j]].Value);
        }
        statement.Execute();
    }

    /// <summary>Sets the given columns of the existing row.</summary>
    private void Update(ColumnLayout layout, List<int> write, IReadOnlyList<ColumnValue> columns)
    {
        var names = write.Select(i => _columns[layout.Positions[i]]).ToList();
        var signature = string.Join("\u0001", names);
        if (!_updates.TryGetValue(signature, out var statement))
        {
            var set = string.Join(", ", names.Select((c, j) => $"{Q(c)} = ?{Key.Count + j + 1}"));
            statement = SqliteStatement.Prepare(_connection,
                $"UPDATE {Q(Name)} SET {set} WHERE {string.Join(" AND ", Key.Select((c, i) => $"{Q(c.Name)} = ?{i + 1}"))}");
            _updates[signature] = statement;
        }
        BindKey(statement, layout, columns);
        for (var j = 0; j < write.Count; j++) statement.Bind(Key.Count + j + 1, columns[write[j]].Value);
        statement.Execute();
    }

    /// <summary>The column versions a change gives the columns it carries (by local position), null where it is the life's.</summary>
    private RowVersion?[] ColumnVersions(ColumnLayout layout, IReadOnlyList<ColumnValue> columns, RowVersion life)
    {
        var versions = new RowVersion?[_columns.Length];
        for (var i = 0; i < columns.Count; i++)
            if (columns[i].Version is { } own && own != life) versions[layout.Positions[i]] = own;
        return versions;
    }

    /// <summary>Adds a change to the held ones; one held already (a duplicate delivery) is not kept twice.</summary>
    private static byte[]? Hold(byte[]? held, RowChange change)
    {
        var changes = Unhold(held);
        return changes.Any(c => c.Version == change.Version && c.Life == change.Life) ? held : Encode([.. changes, change with { SchemaHash = null }]);
    }

    /// <summary>The held changes that stay after a life event at <paramref name="version"/>: those of later lives.</summary>
    private static byte[]? KeepHeld(byte[]? held, RowVersion version) => Encode(Unhold(held).Where(c => c.Life > version).ToList());

    private static IReadOnlyList<RowChange> Unhold(byte[]? held) => held is null ? [] : HeldDecoder.Decode(held).Changes;

    private static byte[]? Encode(IReadOnlyList<RowChange> changes) =>
        changes.Count == 0 ? null : HeldEncoder.Encode(new ChangeBatch(0, "held", changes));

    private static int IndexOf(ColumnLayout layout, IReadOnlyList<ColumnValue> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
            if (string.Equals(columns[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static RowVersion Max(RowVersion? a, RowVersion b) => a is { } v && v > b ? v : b;

    private void BindKey(SqliteStatement statement, ColumnLayout layout, IReadOnlyList<ColumnValue> columns)
    {
        for (var k = 0; k < layout.KeyIndexes.Length; k++) statement.Bind(k + 1, columns[layout.KeyIndexes[k]].Value);
    }

    private static string Parameters(int first, int count) => string.Join(", ", Enumerable.Range(first, count).Select(i => $"?{i}"));

    private static string Q(string name) => SqliteIdentifier.Quote(name);

    /// <summary>How one list of change columns maps onto this table.</summary>
    internal sealed class ColumnLayout(string[] names, int[] positions, int[] keyIndexes)
    {
        /// <summary>For each change column, its position among the table's stored columns.</summary>
        public int[] Positions { get; } = positions;

        /// <summary>For each local key column, in key order, its index among the change's columns.</summary>
        public int[] KeyIndexes { get; } = keyIndexes;

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
