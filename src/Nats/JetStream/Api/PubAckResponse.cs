using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>The server's answer to a JetStream publish: where the message went, or why it was refused.</summary>
internal sealed record PubAckResponse
{
    [JsonPropertyName("stream")] public string? Stream { get; init; }
    [JsonPropertyName("seq")] public ulong Sequence { get; init; }
    [JsonPropertyName("duplicate")] public bool Duplicate { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
    [JsonPropertyName("error")] public ApiError? Error { get; init; }
}
