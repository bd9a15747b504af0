using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>The <c>options</c> member of object metadata.</summary>
public sealed record ObjectMetaOptions
{
    [JsonPropertyName("link")] public ObjectLink? Link { get; init; }

    /// <summary>The chunk size the object was written with.</summary>
    [JsonPropertyName("max_chunk_size")] public int? MaxChunkSize { get; init; }
}
