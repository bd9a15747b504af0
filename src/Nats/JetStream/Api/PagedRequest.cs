using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>A request for one page of a list (<c>iterable_request</c>), optionally of streams holding a subject.</summary>
internal sealed record PagedRequest
{
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("subject")] public string? Subject { get; init; }
}
