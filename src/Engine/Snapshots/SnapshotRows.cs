using System.Runtime.CompilerServices;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Reads the replicated state of a snapshot file as row changes that, merged with last-writer-wins per column, give a
/// live database exactly what the messages behind the snapshot would have: per version row, the row's life as an
/// insert of all its columns (each with the version it has in the snapshot) or its tombstone as a delete, and the
/// changes the snapshot held for a life it had not seen begin. Rows without a version were never changed through
/// replication (they predate capture) and are left out.
/// </summary>
internal static class SnapshotRows
{
    private static readonly ChangeBatchDecoder HeldDecoder = new();

    /// <param name="snapshotPath">A verified snapshot file; opened read-only.</param>
    /// <param name="tables">The tables to read (the local replicated tables); ones the snapshot lacks are passed over.</param>
    public static async IAsyncEnumerable<RowChange> ReadAsync(string snapshotPath, IEnumerable<string> tables, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionFactory.OpenAsIsAsync(snapshotPath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var schema = await SqliteSchemaReader.ReadTableAsync(connection, table, cancellationToken).ConfigureAwait(false);
            if (schema is null || schema.PrimaryKey.Count == 0) continue;
            var versionsTable = CaptureArtifactNames.Versions(table);
            if (!await SqliteSchemaReader.TableExistsAsync(connection, versionsTable, cancellationToken).ConfigureAwait(false)) continue;
            var present = (await SqliteSchemaReader.ReadColumnNamesAsync(connection, versionsTable, cancellationToken).ConfigureAwait(false))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);

            var columns = schema.StoredColumns.Select(c => c.Name).ToList();
            var keys = schema.PrimaryKey.Select((_, i) => Q(CaptureSqlBuilder.VersionKeyColumn(i))).ToList();
            var keyMatch = string.Join(" AND ", schema.PrimaryKey.Select((k, i) => $"t.{Q(k.Name)} = v.{keys[i]}"));
            // Snapshots of earlier builds have no life, no column versions and nothing held: NULL in their place.
            string Or(string column) => present.Contains(column) ? $"v.{Q(column)}" : "NULL";
            var state = $"v.hlc, v.node_id, {Or("life_hlc")}, {Or("life_node")}, {Or("held")}"
                + string.Concat(columns.Select((_, i) => $", {Or(CaptureSqlBuilder.ColumnClock(i))}, {Or(CaptureSqlBuilder.ColumnNode(i))}"));
            const int Fixed = 5;

            var live = $"SELECT {state}, {string.Join(", ", columns.Select(c => $"t.{Q(c)}"))} FROM {Q(versionsTable)} AS v JOIN {Q(table)} AS t ON {keyMatch} WHERE v.tombstone = 0";
            using (var rows = SqliteStatement.Prepare(connection, live))
            {
                while (rows.Step())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var life = Life(rows);
                    var values = new ColumnValue[columns.Count];
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var own = rows.IsNull(Fixed + 2 * i) ? (RowVersion?)null : new RowVersion(rows.GetInt64(Fixed + 2 * i), rows.GetInt64(Fixed + 2 * i + 1));
                        values[i] = new ColumnValue(columns[i], rows.GetValue(Fixed + 2 * columns.Count + i)) { Version = own };
                    }
                    yield return new RowChange(table, ChangeOperation.Insert, life, values);
                    foreach (var held in Held(rows)) yield return held;
                }
            }

            var dead = $"SELECT {state}, {string.Join(", ", keys.Select(k => $"v.{k}"))} FROM {Q(versionsTable)} AS v WHERE v.tombstone = 1";
            using (var rows = SqliteStatement.Prepare(connection, dead))
            {
                while (rows.Step())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var life = Life(rows);
                    // A row that exists only to hold changes of a life not seen yet has no delete to pass on.
                    if (life != new RowVersion(0, 0))
                    {
                        var key = schema.PrimaryKey.Select((k, i) => new ColumnValue(k.Name, rows.GetValue(Fixed + 2 * columns.Count + i))).ToList();
                        yield return new RowChange(table, ChangeOperation.Delete, life, key);
                    }
                    foreach (var held in Held(rows)) yield return held;
                }
            }
        }
    }

    /// <summary>The row's life: its own column, or, in a snapshot of an earlier build, its one version.</summary>
    private static RowVersion Life(SqliteStatement rows) => rows.IsNull(2)
        ? new RowVersion(rows.GetInt64(0), rows.GetInt64(1))
        : new RowVersion(rows.GetInt64(2), rows.GetInt64(3));

    private static IReadOnlyList<RowChange> Held(SqliteStatement rows) =>
        rows.IsNull(4) ? [] : HeldDecoder.Decode((byte[])rows.GetValue(4)!).Changes;

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
