using System.Text.Json;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// The writes a node's application made, read back from the node's change log, and what the merge rules
/// (docs/architecture.md, "Conflicts") must make of all writes of all nodes together. The change log keeps published rows until the cleanup interval passes, so
/// tests that read it run nodes with a long <see cref="NodeSettings.CleanupInterval"/>.
/// </summary>
public static class CapturedWrites
{
    /// <summary>
    /// Every captured write of <paramref name="table"/> (an integer key column and a text value column) on one node, in
    /// capture order. The shared change log names each row's capture generation, whose definition lists the captured
    /// columns: the value of the column at position i is in log column <c>v&lt;i+1&gt;</c>. Deletes carry only the key.
    /// </summary>
    public static async Task<IReadOnlyList<CapturedWrite>> ReadAsync(NodeDatabase database, string table, string keyColumn, string valueColumn)
    {
        await using var connection = database.Open();
        var generations = new List<(long Generation, int Key, int Value)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT generation, definition FROM {NodeDatabase.Quote(CaptureArtifactNames.Generations)} WHERE table_name = $table";
            select.Parameters.AddWithValue("$table", table);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var columns = JsonDocument.Parse(reader.GetString(1)).RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
                generations.Add((reader.GetInt64(0), columns.IndexOf(keyColumn) + 1, columns.IndexOf(valueColumn) + 1));
            }
        }

        var writes = new List<(long Seq, CapturedWrite Write)>();
        foreach (var (generation, key, value) in generations)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT seq, v{key}, hlc, node_id, op, v{value}, life_hlc, life_node FROM {NodeDatabase.Quote(CaptureArtifactNames.Changes)} WHERE generation = {generation}";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                writes.Add((reader.GetInt64(0), new CapturedWrite(reader.GetInt64(1), new RowVersion(reader.GetInt64(2), reader.GetInt64(3)), (ChangeOperation)reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : new RowVersion(reader.GetInt64(6), reader.GetInt64(7)))));
        }
        return writes.OrderBy(w => w.Seq).Select(w => w.Write).ToList();
    }

    /// <summary>
    /// Per key, what every node must end with for a table of one value column: the newest life event (insert or
    /// delete) decides whether the row exists; when it is an insert, the value is that of the greatest write of its
    /// life (the insert or an update of it). Updates of a life a delete ended are lost whatever their clocks.
    /// </summary>
    public static IReadOnlyDictionary<long, MergedRow> Winners(IEnumerable<CapturedWrite> writes) =>
        writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g =>
        {
            var life = g.Where(w => w.Operation != ChangeOperation.Update).MaxBy(w => w.Version)!;
            if (life.Operation == ChangeOperation.Delete) return new MergedRow(life.Version, true, null, life.Version);
            var last = g.Where(w => w.Version == life.Version || (w.Operation == ChangeOperation.Update && w.Life == life.Version)).MaxBy(w => w.Version)!;
            return new MergedRow(life.Version, false, last.Value, last.Version);
        });

    /// <summary>The version table of <paramref name="table"/> on one node, by key.</summary>
    public static async Task<IReadOnlyDictionary<long, VersionRow>> ReadVersionsAsync(NodeDatabase database, string table)
    {
        await using var connection = database.Open();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT key1, hlc, node_id, coalesce(life_hlc, hlc), coalesce(life_node, node_id), tombstone FROM {NodeDatabase.Quote(CaptureArtifactNames.Versions(table))}";
        await using var reader = await select.ExecuteReaderAsync();
        var versions = new Dictionary<long, VersionRow>();
        while (await reader.ReadAsync())
            versions[reader.GetInt64(0)] = new VersionRow(new RowVersion(reader.GetInt64(1), reader.GetInt64(2)), new RowVersion(reader.GetInt64(3), reader.GetInt64(4)), reader.GetInt64(5) != 0);
        return versions;
    }
}
