using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record MessageGetRequest
{
    [JsonPropertyName("seq")] public ulong? Sequence { get; init; }
    [JsonPropertyName("last_by_subj")] public string? LastBySubject { get; init; }
}
