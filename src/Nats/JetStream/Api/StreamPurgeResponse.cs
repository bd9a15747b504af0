using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record StreamPurgeResponse
{
    [JsonPropertyName("success")] public bool Success { get; init; }
    [JsonPropertyName("purged")] public ulong Purged { get; init; }
}
