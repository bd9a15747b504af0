using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// What a snapshot contains and how to verify it. Stored beside the snapshot bytes (a JSON file in the
/// file store, the object's metadata in the NATS object store).
/// </summary>
public sealed record SnapshotMetadata
{
    /// <summary>Format of the snapshot and this record; a reader refuses a newer major version.</summary>
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Sortable, unique: creation time (UTC, to the millisecond) then the node id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("node_id")] public required long NodeId { get; init; }

    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last applied stream sequence of every shard stream the snapshot contains (stream name → sequence).</summary>
    [JsonPropertyName("positions")] public required IReadOnlyDictionary<string, ulong> Positions { get; init; }

    /// <summary>SHA-256 (hex) of the user schema (table definitions) in the snapshot.</summary>
    [JsonPropertyName("schema_hash")] public required string SchemaHash { get; init; }

    [JsonPropertyName("size")] public required long Size { get; init; }

    /// <summary>SHA-256 of the snapshot bytes, lowercase hex.</summary>
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }

    /// <summary>The id for a snapshot made now by <paramref name="nodeId"/>: sorts by time across nodes.</summary>
    public static string NewId(DateTimeOffset createdAt, long nodeId) =>
        $"{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'.'fff'Z'}-{nodeId}";
}
