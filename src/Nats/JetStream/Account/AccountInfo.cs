using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>JetStream usage and limits of the connected account.</summary>
public sealed record AccountInfo
{
    [JsonPropertyName("memory")] public ulong Memory { get; init; }
    [JsonPropertyName("storage")] public ulong Storage { get; init; }
    [JsonPropertyName("streams")] public int Streams { get; init; }
    [JsonPropertyName("consumers")] public int Consumers { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
    [JsonPropertyName("limits")] public AccountLimits Limits { get; init; } = new();
    [JsonPropertyName("api")] public ApiStats Api { get; init; } = new();
}
