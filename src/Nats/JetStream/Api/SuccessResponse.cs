using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>Answer of delete calls (stream, consumer, message).</summary>
internal sealed record SuccessResponse
{
    [JsonPropertyName("success")] public bool Success { get; init; }
}
