using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>Reads and writes the watched-tables and capture-generations catalog tables.</summary>
internal static class WatchedTableCatalog
{
    private static readonly string Watched = SqliteIdentifier.Quote(CaptureArtifactNames.WatchedTables);
    private static readonly string Generations = SqliteIdentifier.Quote(CaptureArtifactNames.Generations);

    public static async Task<Dictionary<string, WatchedTable>> ReadAllAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(
            $"SELECT w.table_name, w.generation, w.definition, w.dropped, g.schema_hash FROM {Watched} AS w "
            + $"LEFT JOIN {Generations} AS g ON g.table_name = w.table_name AND g.generation = w.generation ORDER BY w.table_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tables = new Dictionary<string, WatchedTable>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var table = new WatchedTable(reader.GetString(0), reader.GetInt64(1), CaptureDefinition.FromJson(reader.GetString(2)), reader.GetInt64(3) != 0,
                reader.IsDBNull(4) ? null : reader.GetString(4));
            tables[table.Name] = table;
        }
        return tables;
    }

    /// <summary>Every generation: its number to its table, definition and schema hash (null for earlier builds' generations).</summary>
    public static async Task<Dictionary<long, (string Table, CaptureDefinition Definition, string? SchemaHash)>> ReadGenerationsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT table_name, generation, definition, schema_hash FROM {Generations}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var generations = new Dictionary<long, (string, CaptureDefinition, string?)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            generations[reader.GetInt64(1)] = (reader.GetString(0), CaptureDefinition.FromJson(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3));
        return generations;
    }

    /// <summary>The schema hashes a table has had here, current and past: changes captured under any of them apply.</summary>
    public static async Task<IReadOnlySet<string>> ReadSchemaHashesAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT schema_hash FROM {Generations} WHERE table_name = @table AND schema_hash IS NOT NULL", ("@table", table));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) hashes.Add(reader.GetString(0));
        return hashes;
    }

    /// <summary>
    /// Records a new generation for <paramref name="table"/> and makes it current; returns its number. Numbers are unique
    /// across tables, because a change-log row names only its generation. (A number can come back only after the table
    /// that had it was removed, which happens once all of its changes were published and are never read again.)
    /// </summary>
    public static async Task<long> AddGenerationAsync(SqliteConnection connection, string table, CaptureDefinition definition, string schemaHash,
        CancellationToken cancellationToken)
    {
        var generation = 1 + await connection.ScalarInt64Async($"SELECT coalesce(max(generation), 0) FROM {Generations}", cancellationToken).ConfigureAwait(false);
        var json = definition.ToJson();
        await connection.ExecuteAsync($"INSERT INTO {Generations}(table_name, generation, definition, schema_hash) VALUES (@table, @generation, @definition, @hash)",
            cancellationToken, ("@table", table), ("@generation", generation), ("@definition", json), ("@hash", schemaHash)).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"INSERT INTO {Watched}(table_name, generation, definition, dropped) VALUES (@table, @generation, @definition, 0) "
            + "ON CONFLICT(table_name) DO UPDATE SET table_name = excluded.table_name, generation = excluded.generation, definition = excluded.definition, dropped = 0",
            cancellationToken, ("@table", table), ("@generation", generation), ("@definition", json)).ConfigureAwait(false);
        return generation;
    }

    public static Task SetDroppedAsync(SqliteConnection connection, string table, bool dropped, CancellationToken cancellationToken) =>
        connection.ExecuteAsync($"UPDATE {Watched} SET dropped = @dropped WHERE table_name = @table", cancellationToken,
            ("@table", table), ("@dropped", dropped ? 1L : 0L));

    public static async Task RemoveAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync($"DELETE FROM {Watched} WHERE table_name = @table", cancellationToken, ("@table", table)).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM {Generations} WHERE table_name = @table", cancellationToken, ("@table", table)).ConfigureAwait(false);
    }
}
