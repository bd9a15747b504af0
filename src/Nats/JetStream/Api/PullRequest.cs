using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>Body of <c>$JS.API.CONSUMER.MSG.NEXT</c>: how many messages, for how long, with what heartbeat.</summary>
internal sealed record PullRequest
{
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("expires")] public TimeSpan? Expires { get; init; }
    [JsonPropertyName("no_wait")] public bool NoWait { get; init; }
    [JsonPropertyName("idle_heartbeat")] public TimeSpan? IdleHeartbeat { get; init; }
    [JsonPropertyName("max_bytes")] public long? MaxBytes { get; init; }
}
