using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Which cluster, and servers with which tags, hold a stream's replicas.</summary>
public sealed record Placement
{
    [JsonPropertyName("cluster")] public string? Cluster { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }
}
