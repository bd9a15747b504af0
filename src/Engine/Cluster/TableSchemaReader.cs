using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;

namespace HarmonyLite.Engine.Cluster;

/// <summary>The schema hash of every table a database replicates now (from its capture catalog).</summary>
internal static class TableSchemaReader
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteConnectionFactory.OpenAsync(databasePath, null, cancellationToken).ConfigureAwait(false);
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!await SqliteSchemaReader.TableExistsAsync(connection, CaptureArtifactNames.WatchedTables, cancellationToken).ConfigureAwait(false)) return hashes;
        foreach (var table in (await WatchedTableCatalog.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false)).Values)
        {
            if (!table.Dropped && table.SchemaHash is { } hash) hashes[table.Name] = hash;
        }
        return hashes;
    }
}
