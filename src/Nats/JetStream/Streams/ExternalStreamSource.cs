using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>A source stream in another account or domain, reached through its API prefix.</summary>
public sealed record ExternalStreamSource
{
    [JsonPropertyName("api")] public string Api { get; init; } = "";
    [JsonPropertyName("deliver")] public string? Deliver { get; init; }
}
