using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Inspection;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// A node's SQLite file as an outside program sees it: writes through the sqlite3 shell or a separate, unpooled
/// Microsoft.Data.Sqlite connection, reads for waits and comparisons. Nothing here goes through the node.
/// </summary>
public sealed class NodeDatabase
{
    public NodeDatabase(string path) => Path = path;

    public string Path { get; }

    /// <summary>Runs SQL with the sqlite3 shell; returns its output.</summary>
    public Task<string> ExecuteAsync(string sql, CancellationToken cancellationToken = default) => SqliteShell.RunAsync(Path, sql, cancellationToken);

    /// <summary>A new connection of its own (no pool), waiting up to 30 s for locks. The caller disposes it.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public async Task<long> CountAsync(string table, string where = "1", CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync($"SELECT count(*) FROM {Quote(table)} WHERE {where}", cancellationToken))!;

    /// <summary>Whether the table exists (it may not yet, on a node whose schema is created later).</summary>
    public async Task<bool> HasTableAsync(string table, CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync($"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{table.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken))! > 0;

    /// <summary>Whether the node's publisher has handled every change captured so far (published it, or with publish = false, passed over it).</summary>
    public async Task<bool> HasPublishedEverythingAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync($"SELECT (SELECT coalesce(max(seq), 0) FROM {Quote(CaptureArtifactNames.Changes)}) = seq FROM {Quote(CaptureArtifactNames.Published)}", cancellationToken))! == 1;

    public Task<DatabaseDigest> DigestAsync(CancellationToken cancellationToken = default) => DatabaseDigest.ComputeAsync(Path, cancellationToken);

    /// <summary>
    /// A full text dump of one table: every row ordered by primary key, every value as SQLite quotes it with its
    /// storage class. Two replicas agree on the table exactly when their dumps are equal.
    /// </summary>
    public async Task<IReadOnlyList<string>> DumpAsync(string table, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: true);
        var columns = new List<string>();
        var key = new SortedDictionary<long, string>();
        await using (var info = connection.CreateCommand())
        {
            info.Transaction = transaction;
            info.CommandText = "SELECT name, pk FROM pragma_table_info($table)";
            info.Parameters.AddWithValue("$table", table);
            await using var reader = await info.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add(reader.GetString(0));
                if (reader.GetInt64(1) > 0) key[reader.GetInt64(1)] = reader.GetString(0);
            }
        }
        if (columns.Count == 0) throw new InvalidOperationException($"Table '{table}' does not exist in {Path}.");
        var order = key.Count > 0 ? key.Values.ToList() : columns;
        var row = string.Join(" || ' | ' || ", columns.Select(c => $"typeof({Quote(c)}) || ':' || quote({Quote(c)})"));
        var lines = new List<string>();
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = $"SELECT {row} FROM {Quote(table)} ORDER BY {string.Join(", ", order.Select(Quote))}";
        await using (var rows = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken)) lines.Add(rows.GetString(0));
        }
        return lines;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
