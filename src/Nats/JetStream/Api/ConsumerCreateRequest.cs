using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record ConsumerCreateRequest
{
    [JsonPropertyName("stream_name")] public string Stream { get; init; } = "";
    [JsonPropertyName("config")] public ConsumerConfig Config { get; init; } = new();
}
