using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Sqlite;

/// <summary>Reads table shapes from the <c>main</c> schema through the pragma table-valued functions.</summary>
public static class SqliteSchemaReader
{
    /// <summary>
    /// <c>PRAGMA schema_version</c>: SQLite bumps it on every schema change by any connection. Comparing it with the value
    /// seen last is a cheap way to notice ALTER TABLE, CREATE TABLE and DROP TABLE while running.
    /// </summary>
    public static Task<long> ReadSchemaVersionAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        connection.ScalarInt64Async("PRAGMA main.schema_version", cancellationToken);

    /// <summary>The names and kinds of every table in <c>main</c>, the <c>sqlite_</c> internal ones excluded.</summary>
    public static async Task<IReadOnlyList<(string Name, SqliteTableKind Kind)>> ReadTableNamesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
            "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tables = new List<(string, SqliteTableKind)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = reader.GetString(1) switch
            {
                "virtual" => SqliteTableKind.Virtual,
                "shadow" => SqliteTableKind.Shadow,
                "table" => SqliteTableKind.Ordinary,
                _ => (SqliteTableKind?)null, // views
            };
            if (kind is not null) tables.Add((reader.GetString(0), kind.Value));
        }
        return tables;
    }

    /// <summary>Whether <c>main</c> has an ordinary table named <paramref name="name"/>.</summary>
    public static async Task<bool> TableExistsAsync(SqliteConnection connection, string name, CancellationToken cancellationToken) =>
        await connection.ScalarInt64Async("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = @name)", cancellationToken, ("@name", name)).ConfigureAwait(false) == 1;

    /// <summary>Whether table <paramref name="table"/> of <c>main</c> has a column named <paramref name="column"/>.</summary>
    public static async Task<bool> ColumnExistsAsync(SqliteConnection connection, string table, string column, CancellationToken cancellationToken) =>
        await connection.ScalarInt64Async("SELECT EXISTS (SELECT 1 FROM pragma_table_xinfo(@table, 'main') WHERE name = @column COLLATE NOCASE)",
            cancellationToken, ("@table", table), ("@column", column)).ConfigureAwait(false) == 1;

    /// <summary>The names of the columns of table <paramref name="table"/> in <c>main</c>, in order.</summary>
    public static async Task<IReadOnlyList<string>> ReadColumnNamesAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT name FROM pragma_table_xinfo(@table, 'main') ORDER BY cid", ("@table", table));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>The shape of table <paramref name="name"/> in <c>main</c>, or null when there is no such table.</summary>
    public static async Task<SqliteTableSchema?> ReadTableAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        SqliteTableKind kind;
        bool withoutRowid;
        await using (var command = connection.CreateCommand("SELECT type, wr FROM pragma_table_list(@name) WHERE schema = 'main'", ("@name", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            kind = reader.GetString(0) switch
            {
                "virtual" => SqliteTableKind.Virtual,
                "shadow" => SqliteTableKind.Shadow,
                "table" => SqliteTableKind.Ordinary,
                _ => throw new ArgumentException($"'{name}' is a {reader.GetString(0)}, not a table.", nameof(name)),
            };
            withoutRowid = reader.GetInt64(1) != 0;
        }

        var columns = new List<SqliteColumn>();
        await using (var command = connection.CreateCommand(
            "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(@name, 'main') ORDER BY cid", ("@name", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var hidden = reader.GetInt64(4);
                if (hidden == 1) continue; // hidden columns of virtual tables
                columns.Add(new SqliteColumn(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, (int)reader.GetInt64(3), IsGenerated: hidden is 2 or 3));
            }
        }

        var indexes = await ReadIndexesAsync(connection, name, cancellationToken).ConfigureAwait(false);
        var keyIndex = indexes.FirstOrDefault(i => i.Origin == "pk");
        var keyCollations = keyIndex is null ? [] : await ReadIndexCollationsAsync(connection, keyIndex.Name, cancellationToken).ConfigureAwait(false);
        var primaryKey = columns
            .Where(c => c.PrimaryKeyPosition > 0)
            .OrderBy(c => c.PrimaryKeyPosition)
            .Select(c => new SqliteKeyColumn(c.Name, keyCollations.GetValueOrDefault(c.Name, "BINARY"), c.NotNull))
            .ToList();
        // INTEGER PRIMARY KEY aliases the rowid, except the documented quirk "INTEGER PRIMARY KEY DESC", which gets an index.
        var isRowidAlias = !withoutRowid && primaryKey.Count == 1 && keyIndex is null
            && string.Equals(columns.First(c => c.PrimaryKeyPosition == 1).DeclaredType, "INTEGER", StringComparison.OrdinalIgnoreCase);

        var unique = new List<SqliteUniqueIndex>();
        foreach (var index in indexes.Where(i => i.Unique && i.Origin != "pk"))
            unique.Add(new SqliteUniqueIndex(index.Name, await ReadIndexColumnsAsync(connection, index.Name, cancellationToken).ConfigureAwait(false), index.Origin == "u", index.Partial));

        return new SqliteTableSchema(name, kind, withoutRowid, columns, primaryKey, isRowidAlias, unique);
    }

    private sealed record IndexEntry(string Name, bool Unique, string Origin, bool Partial);

    private static async Task<List<IndexEntry>> ReadIndexesAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
            "SELECT name, \"unique\", origin, partial FROM pragma_index_list(@name, 'main') ORDER BY seq", ("@name", table));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var indexes = new List<IndexEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            indexes.Add(new IndexEntry(reader.GetString(0), reader.GetInt64(1) != 0, reader.GetString(2), reader.GetInt64(3) != 0));
        return indexes;
    }

    private static async Task<Dictionary<string, string>> ReadIndexCollationsAsync(SqliteConnection connection, string index, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
            "SELECT name, coll FROM pragma_index_xinfo(@name, 'main') WHERE key = 1 AND name IS NOT NULL", ("@name", index));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var collations = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            collations[reader.GetString(0)] = reader.GetString(1);
        return collations;
    }

    private static async Task<IReadOnlyList<string>> ReadIndexColumnsAsync(SqliteConnection connection, string index, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT name FROM pragma_index_info(@name, 'main') ORDER BY seqno", ("@name", index));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            names.Add(reader.IsDBNull(0) ? "<expression>" : reader.GetString(0));
        return names;
    }
}
