using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>What a stream holds: counts, sequence range and, when asked for, per-subject counts.</summary>
public sealed record StreamState
{
    [JsonPropertyName("messages")] public ulong Messages { get; init; }
    [JsonPropertyName("bytes")] public ulong Bytes { get; init; }
    [JsonPropertyName("first_seq")] public ulong FirstSequence { get; init; }
    [JsonPropertyName("first_ts")] public DateTimeOffset FirstTime { get; init; }
    [JsonPropertyName("last_seq")] public ulong LastSequence { get; init; }
    [JsonPropertyName("last_ts")] public DateTimeOffset LastTime { get; init; }
    [JsonPropertyName("consumer_count")] public int ConsumerCount { get; init; }
    [JsonPropertyName("num_subjects")] public long SubjectCount { get; init; }
    [JsonPropertyName("num_deleted")] public long DeletedCount { get; init; }
    /// <summary>Message count per subject; only filled when the info request had a subjects filter.</summary>
    [JsonPropertyName("subjects")] public IReadOnlyDictionary<string, ulong>? Subjects { get; init; }
    /// <summary>Deleted sequences; only filled when the info request asked for deleted details.</summary>
    [JsonPropertyName("deleted")] public IReadOnlyList<ulong>? Deleted { get; init; }
}
