using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Republishes stored messages matching <see cref="Source"/> to <see cref="Destination"/> on core NATS.</summary>
public sealed record RePublish
{
    [JsonPropertyName("src")] public string? Source { get; init; }
    [JsonPropertyName("dest")] public string Destination { get; init; } = "";
    [JsonPropertyName("headers_only")] public bool HeadersOnly { get; init; }
}
