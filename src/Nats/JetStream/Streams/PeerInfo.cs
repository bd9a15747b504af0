using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>A replica other than the leader and how current it is.</summary>
public sealed record PeerInfo
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("current")] public bool Current { get; init; }
    [JsonPropertyName("offline")] public bool Offline { get; init; }
    [JsonPropertyName("active")] public TimeSpan Active { get; init; }
    [JsonPropertyName("lag")] public ulong Lag { get; init; }
}
