using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>A position of a consumer: its own sequence and the stream's.</summary>
public sealed record SequenceInfo
{
    [JsonPropertyName("consumer_seq")] public ulong ConsumerSequence { get; init; }
    [JsonPropertyName("stream_seq")] public ulong StreamSequence { get; init; }
    [JsonPropertyName("last_active")] public DateTimeOffset? LastActive { get; init; }
}
