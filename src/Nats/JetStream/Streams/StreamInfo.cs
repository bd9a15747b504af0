using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>A stream's configuration and state as the server reports them.</summary>
public sealed record StreamInfo
{
    [JsonPropertyName("config")] public StreamConfig Config { get; init; } = new();
    [JsonPropertyName("state")] public StreamState State { get; init; } = new();
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("cluster")] public ClusterInfo? Cluster { get; init; }
    [JsonPropertyName("mirror")] public StreamSourceInfo? Mirror { get; init; }
    [JsonPropertyName("sources")] public IReadOnlyList<StreamSourceInfo>? Sources { get; init; }
}
