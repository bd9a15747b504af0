using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>Reads the stream positions table: stream name to the last applied (or skipped) sequence.</summary>
internal static class StreamPositionTable
{
    private static readonly string Positions = SqliteIdentifier.Quote(CaptureArtifactNames.StreamPositions);

    /// <summary>Every stored position; the caller makes sure capture is installed (the table exists).</summary>
    public static async Task<IReadOnlyDictionary<string, ulong>> ReadAllAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT stream, sequence FROM {Positions} ORDER BY stream");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var positions = new Dictionary<string, ulong>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            positions[reader.GetString(0)] = (ulong)reader.GetInt64(1);
        return positions;
    }
}
