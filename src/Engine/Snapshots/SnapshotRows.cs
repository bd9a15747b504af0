using System.Runtime.CompilerServices;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Reads the replicated state of a snapshot file as row changes: every row that has a version (an upsert with all its
/// columns) and every tombstone (a delete with its key), each carrying the version it has in the snapshot. Applied with
/// last-writer-wins, they merge the snapshot into a live database exactly as the messages behind them would have.
/// Rows without a version were never changed through replication (they predate capture) and are left out.
/// </summary>
internal static class SnapshotRows
{
    /// <param name="snapshotPath">A verified snapshot file; opened read-only.</param>
    /// <param name="tables">The tables to read (the local replicated tables); ones the snapshot lacks are passed over.</param>
    public static async IAsyncEnumerable<RowChange> ReadAsync(string snapshotPath, IEnumerable<string> tables, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionFactory.OpenAsIsAsync(snapshotPath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var schema = await SqliteSchemaReader.ReadTableAsync(connection, table, cancellationToken).ConfigureAwait(false);
            if (schema is null || schema.PrimaryKey.Count == 0) continue;
            if (!await SqliteSchemaReader.TableExistsAsync(connection, CaptureArtifactNames.Versions(table), cancellationToken).ConfigureAwait(false)) continue;

            var versions = Q(CaptureArtifactNames.Versions(table));
            var keys = schema.PrimaryKey.Select((_, i) => Q(CaptureSqlBuilder.VersionKeyColumn(i))).ToList();
            var columns = schema.StoredColumns.Select(c => c.Name).ToList();
            var keyMatch = string.Join(" AND ", schema.PrimaryKey.Select((k, i) => $"t.{Q(k.Name)} = v.{keys[i]}"));

            var live = $"SELECT v.hlc, v.node_id, {string.Join(", ", columns.Select(c => $"t.{Q(c)}"))} FROM {versions} AS v JOIN {Q(table)} AS t ON {keyMatch} WHERE v.tombstone = 0";
            await foreach (var (version, values) in RowsAsync(connection, live, columns.Count, cancellationToken).ConfigureAwait(false))
                yield return new RowChange(table, ChangeOperation.Update, version, columns.Select((c, i) => new ColumnValue(c, values[i])).ToList());

            var tombstones = $"SELECT hlc, node_id, {string.Join(", ", keys)} FROM {versions} WHERE tombstone = 1";
            await foreach (var (version, values) in RowsAsync(connection, tombstones, keys.Count, cancellationToken).ConfigureAwait(false))
                yield return new RowChange(table, ChangeOperation.Delete, version, schema.PrimaryKey.Select((k, i) => new ColumnValue(k.Name, values[i])).ToList());
        }
    }

    /// <summary>Each row of <paramref name="sql"/>: its version (the first two columns) and the values after them, text as stored.</summary>
    private static async IAsyncEnumerable<(RowVersion Version, object?[] Values)> RowsAsync(SqliteConnection connection, string sql, int width, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        using var statement = SqliteStatement.Prepare(connection, sql);
        while (statement.Step())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = new object?[width];
            for (var i = 0; i < values.Length; i++) values[i] = statement.GetValue(i + 2);
            yield return (new RowVersion(statement.GetInt64(0), statement.GetInt64(1)), values);
        }
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
