using System.Text.Json;
using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>Reads and writes <see cref="SnapshotMetadata"/> as JSON.</summary>
internal static class SnapshotJson
{
    /// <summary>Reads metadata, refusing a newer format than this build understands.</summary>
    public static SnapshotMetadata Parse(ReadOnlySpan<byte> json, string source)
    {
        SnapshotMetadata? metadata;
        try { metadata = JsonSerializer.Deserialize(json, SnapshotJsonContext.Default.SnapshotMetadata); }
        catch (JsonException ex) { throw new SnapshotIntegrityException($"Snapshot metadata in {source} is not valid: {ex.Message}"); }
        if (metadata is null) throw new SnapshotIntegrityException($"Snapshot metadata in {source} is empty.");
        if (metadata.FormatVersion > SnapshotMetadata.CurrentFormatVersion)
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} in {source} has format version {metadata.FormatVersion}; this build reads up to {SnapshotMetadata.CurrentFormatVersion}. Upgrade HarmonyLite on this node.");
        return metadata;
    }

    private static readonly SnapshotJsonContext Compact = new(new JsonSerializerOptions { WriteIndented = false });

    public static byte[] Serialize(SnapshotMetadata metadata) => JsonSerializer.SerializeToUtf8Bytes(metadata, SnapshotJsonContext.Default.SnapshotMetadata);

    /// <summary>One line, for places that hold the metadata as a string value (an object store entry's metadata map).</summary>
    public static string SerializeCompact(SnapshotMetadata metadata) => JsonSerializer.Serialize(metadata, Compact.SnapshotMetadata);
}
