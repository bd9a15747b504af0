using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record StreamNamesResponse
{
    [JsonPropertyName("total")] public int Total { get; init; }
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("streams")] public List<string>? Streams { get; init; }
}
