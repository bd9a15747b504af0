using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HarmonyLite.Engine.Capture;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// SHA-256 of the user schema: the definition of every table, index, view and trigger that is not HarmonyLite's own
/// nor SQLite's internal. Two databases with the same hash were built by the same DDL.
/// </summary>
internal static class SchemaHash
{
    public static async Task<string> ComputeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT type, name, coalesce(sql, '') FROM sqlite_schema " +
            $"WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\' ORDER BY type, name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var field = 0; field < 3; field++) AppendFramed(sha, reader.GetString(field));
        }
        return SnapshotDigest.Hex(sha.GetHashAndReset());
    }

    // Each field is preceded by its length, so no two different schemas hash the same bytes.
    private static void AppendFramed(IncrementalHash sha, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }
}
