using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// The prepared statements that apply changes to one local table and its version table, reused for every change
/// of that table until the schema changes.
/// </summary>
internal sealed class ApplyTable : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _selectVersion;
    private readonly SqliteCommand _writeVersion;
    private readonly SqliteCommand _delete;
    private readonly Dictionary<string, SqliteCommand> _upserts = new(StringComparer.Ordinal);

    public ApplyTable(SqliteConnection connection, SqliteTableSchema schema)
    {
        _connection = connection;
        Name = schema.Name;
        Key = schema.PrimaryKey;
        ColumnsByName = schema.StoredColumns.ToDictionary(c => c.Name, c => c.Name, StringComparer.OrdinalIgnoreCase);

        var versions = Q(CaptureArtifactNames.Versions(Name));
        var versionKeys = Key.Select((_, i) => Q(CaptureSqlBuilder.VersionKeyColumn(i))).ToList();
        var keyMatch = string.Join(" AND ", versionKeys.Select((k, i) => $"{k} = @k{i}"));
        _selectVersion = Command($"SELECT hlc, node_id FROM {versions} WHERE {keyMatch}", KeyParameters().ToArray());
        _writeVersion = Command(
            $"INSERT OR REPLACE INTO {versions}({string.Join(", ", versionKeys)}, hlc, node_id, tombstone) VALUES ({string.Join(", ", Key.Select((_, i) => $"@k{i}"))}, @hlc, @node, @tombstone)",
            [.. KeyParameters(), "@hlc", "@node", "@tombstone"]);
        _delete = Command($"DELETE FROM {Q(Name)} WHERE {string.Join(" AND ", Key.Select((k, i) => $"{Q(k.Name)} = @k{i}"))}", KeyParameters().ToArray());
    }

    public string Name { get; }

    /// <summary>The local primary key, in key order.</summary>
    public IReadOnlyList<SqliteKeyColumn> Key { get; }

    /// <summary>Stored columns by name (case-insensitive, as SQLite matches them) to their local spelling.</summary>
    public IReadOnlyDictionary<string, string> ColumnsByName { get; }

    public async Task<(long Hlc, long NodeId)?> ReadVersionAsync(IReadOnlyList<object?> key, CancellationToken cancellationToken)
    {
        Bind(_selectVersion, key);
        await using var reader = await _selectVersion.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public async Task WriteVersionAsync(IReadOnlyList<object?> key, long hlc, long nodeId, bool tombstone, CancellationToken cancellationToken)
    {
        Bind(_writeVersion, key);
        _writeVersion.Parameters["@hlc"].Value = hlc;
        _writeVersion.Parameters["@node"].Value = nodeId;
        _writeVersion.Parameters["@tombstone"].Value = tombstone ? 1L : 0L;
        await _writeVersion.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(IReadOnlyList<object?> key, CancellationToken cancellationToken)
    {
        Bind(_delete, key);
        await _delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts the row, or updates the given columns of the row with the same key. Columns the change does not carry
    /// keep their value (or get their default on insert). Never INSERT OR REPLACE: that deletes first, which fires
    /// delete triggers and ON DELETE actions of foreign keys.
    /// </summary>
    public async Task UpsertAsync(IReadOnlyList<string> columns, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        var signature = string.Join("\u0001", columns);
        if (!_upserts.TryGetValue(signature, out var command))
        {
            var names = string.Join(", ", columns.Select(Q));
            var target = string.Join(", ", Key.Select(k => string.Equals(k.Collation, "BINARY", StringComparison.OrdinalIgnoreCase) ? Q(k.Name) : $"{Q(k.Name)} COLLATE {k.Collation}"));
            var set = string.Join(", ", columns.Select(c => $"{Q(c)} = excluded.{Q(c)}"));
            command = Command(
                $"INSERT INTO {Q(Name)}({names}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@v{i}"))}) ON CONFLICT({target}) DO UPDATE SET {set}",
                columns.Select((_, i) => $"@v{i}").ToArray());
            _upserts[signature] = command;
        }
        for (var i = 0; i < values.Count; i++) command.Parameters[i].Value = SqliteValue.ToParameter(values[i]);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _selectVersion.DisposeAsync().ConfigureAwait(false);
        await _writeVersion.DisposeAsync().ConfigureAwait(false);
        await _delete.DisposeAsync().ConfigureAwait(false);
        foreach (var command in _upserts.Values) await command.DisposeAsync().ConfigureAwait(false);
    }

    private IEnumerable<string> KeyParameters() => Key.Select((_, i) => $"@k{i}");

    private SqliteCommand Command(string sql, string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        return command;
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<object?> key)
    {
        for (var i = 0; i < key.Count; i++) command.Parameters[i].Value = SqliteValue.ToParameter(key[i]);
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
