using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>A link to another object or bucket, as other NATS clients write them (read, never followed here).</summary>
public sealed record ObjectLink
{
    [JsonPropertyName("bucket")] public string Bucket { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
}
