using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Whether capture is in place in a database: the tables it watches, and those of them whose triggers are missing
/// (removed by hand, or by <c>harmonylite -cleanup</c> while the node runs). Read for the health endpoint.
/// </summary>
/// <param name="TablesTracked">Watched tables that still exist.</param>
/// <param name="ChangeLogPresent">The shared change log and the watched-tables catalog exist.</param>
/// <param name="TablesWithoutTriggers">Watched tables missing one of their insert, update or delete triggers.</param>
public sealed record CaptureCoverage(int TablesTracked, bool ChangeLogPresent, IReadOnlyList<string> TablesWithoutTriggers)
{
    /// <summary>Every watched table captures its writes.</summary>
    public bool IsInstalled => ChangeLogPresent && TablesWithoutTriggers.Count == 0;

    /// <summary>Reads the coverage over <paramref name="connection"/>, in one read of the schema.</summary>
    public static async Task<CaptureCoverage> ReadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var objects = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = connection.CreateCommand(
            $"SELECT name FROM sqlite_schema WHERE name LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) objects.Add(reader.GetString(0));
        }
        if (!objects.Contains(CaptureArtifactNames.Changes) || !objects.Contains(CaptureArtifactNames.WatchedTables))
            return new CaptureCoverage(0, false, []);
        var catalog = await WatchedTableCatalog.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false);
        var tracked = catalog.Values.Where(t => !t.Dropped).Select(t => t.Name).ToList();
        var missing = tracked.Where(t => !objects.Contains(CaptureArtifactNames.InsertTrigger(t))
            || !objects.Contains(CaptureArtifactNames.UpdateTrigger(t))
            || !objects.Contains(CaptureArtifactNames.DeleteTrigger(t))).ToList();
        return new CaptureCoverage(tracked.Count, true, missing);
    }
}
