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
    /// Every captured write of <paramref name="table"/> (an integer key column and a text value column) on one node.
    /// Change-log columns are named <c>val_&lt;column&gt;</c>; deletes carry only the key.
    /// </summary>
    public static async Task<IReadOnlyList<CapturedWrite>> ReadAsync(NodeDatabase database, string table, string keyColumn, string valueColumn)
    {
        await using var connection = database.Open();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {NodeDatabase.Quote("val_" + keyColumn)}, hlc, node_id, op, {NodeDatabase.Quote("val_" + valueColumn)} FROM {NodeDatabase.Quote(CaptureArtifactNames.ChangeLog(table))} ORDER BY seq";
        await using var reader = await select.ExecuteReaderAsync();
        var writes = new List<CapturedWrite>();
        while (await reader.ReadAsync())
            writes.Add(new CapturedWrite(reader.GetInt64(0), new RowVersion(reader.GetInt64(1), reader.GetInt64(2)), (ChangeOperation)reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return writes;
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
