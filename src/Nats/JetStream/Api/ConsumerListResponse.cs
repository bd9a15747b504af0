using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record ConsumerListResponse
{
    [JsonPropertyName("total")] public int Total { get; init; }
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("consumers")] public List<ConsumerInfo>? Consumers { get; init; }
}
