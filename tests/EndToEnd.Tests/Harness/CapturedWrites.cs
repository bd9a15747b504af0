using System.Text.Json;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// The writes a node's application made, read back from the node's change log, and what last-writer-wins must make
/// of all writes of all nodes together. The change log keeps published rows until the cleanup interval passes, so
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
            select.CommandText = $"SELECT seq, v{key}, hlc, node_id, op, v{value} FROM {NodeDatabase.Quote(CaptureArtifactNames.Changes)} WHERE generation = {generation}";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                writes.Add((reader.GetInt64(0), new CapturedWrite(reader.GetInt64(1), new RowVersion(reader.GetInt64(2), reader.GetInt64(3)), (ChangeOperation)reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5))));
        }
        return writes.OrderBy(w => w.Seq).Select(w => w.Write).ToList();
    }

    /// <summary>Per key, the write with the greatest version: what every node must end with.</summary>
    public static IReadOnlyDictionary<long, CapturedWrite> Winners(IEnumerable<CapturedWrite> writes) =>
        writes.GroupBy(w => w.Key).ToDictionary(g => g.Key, g => g.MaxBy(w => w.Version)!);

    /// <summary>The version table of <paramref name="table"/> on one node: key to (version, tombstone).</summary>
    public static async Task<IReadOnlyDictionary<long, (RowVersion Version, bool Tombstone)>> ReadVersionsAsync(NodeDatabase database, string table)
    {
        await using var connection = database.Open();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT key1, hlc, node_id, tombstone FROM {NodeDatabase.Quote(CaptureArtifactNames.Versions(table))}";
        await using var reader = await select.ExecuteReaderAsync();
        var versions = new Dictionary<long, (RowVersion, bool)>();
        while (await reader.ReadAsync())
            versions[reader.GetInt64(0)] = (new RowVersion(reader.GetInt64(1), reader.GetInt64(2)), reader.GetInt64(3) != 0);
        return versions;
    }
}
