using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>
/// An object's metadata exactly as the official NATS clients store it (JSON on
/// <c>$O.&lt;bucket&gt;.M.&lt;base64url(name)&gt;</c>), so objects interoperate with them.
/// </summary>
public sealed record ObjectInfo
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("headers")] public IReadOnlyDictionary<string, IReadOnlyList<string>>? Headers { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("options")] public ObjectMetaOptions? Options { get; init; }
    [JsonPropertyName("bucket")] public string Bucket { get; init; } = "";
    /// <summary>Names the chunk subject <c>$O.&lt;bucket&gt;.C.&lt;nuid&gt;</c>.</summary>
    [JsonPropertyName("nuid")] public string Nuid { get; init; } = "";
    [JsonPropertyName("size")] public ulong Size { get; init; }
    [JsonPropertyName("mtime")] public DateTimeOffset ModifiedTime { get; init; }
    [JsonPropertyName("chunks")] public uint Chunks { get; init; }
    /// <summary>"SHA-256=" and the base64url SHA-256 of the content.</summary>
    [JsonPropertyName("digest")] public string? Digest { get; init; }
    [JsonPropertyName("deleted")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Deleted { get; init; }
}
