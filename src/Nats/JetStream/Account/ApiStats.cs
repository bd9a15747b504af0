using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>JetStream API calls the account made, and how many failed.</summary>
public sealed record ApiStats
{
    [JsonPropertyName("total")] public ulong Total { get; init; }
    [JsonPropertyName("errors")] public ulong Errors { get; init; }
}
