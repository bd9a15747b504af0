using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>How far a mirror or source is behind its origin.</summary>
public sealed record StreamSourceInfo
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("lag")] public ulong Lag { get; init; }
    /// <summary>Time since the origin was last heard from; negative when never.</summary>
    [JsonPropertyName("active")] public TimeSpan Active { get; init; }
}
