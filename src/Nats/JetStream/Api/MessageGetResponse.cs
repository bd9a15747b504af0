using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record MessageGetResponse
{
    [JsonPropertyName("message")] public RawStoredMessage? Message { get; init; }
}
