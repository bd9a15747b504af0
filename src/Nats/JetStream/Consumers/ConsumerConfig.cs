using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// A pull consumer's configuration (JetStream API <c>consumer_configuration</c>). Null values let the
/// server apply its defaults (ack wait 30 s, max ack pending 1000, unlimited deliveries, ...).
/// </summary>
public sealed record ConsumerConfig
{
    public ConsumerConfig()
    {
    }

    /// <summary>A durable consumer: kept by the server until deleted, resumed by name.</summary>
    public ConsumerConfig(string durableName)
    {
        Name = durableName;
        DurableName = durableName;
    }

    /// <summary>The consumer's name; null for an ephemeral consumer named by the server.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>Set (equal to <see cref="Name"/>) for a durable consumer.</summary>
    [JsonPropertyName("durable_name")] public string? DurableName { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("deliver_policy")] public DeliverPolicy DeliverPolicy { get; init; } = DeliverPolicy.All;
    /// <summary>First stream sequence delivered, with <see cref="DeliverPolicy.ByStartSequence"/>.</summary>
    [JsonPropertyName("opt_start_seq")] public ulong? OptStartSequence { get; init; }
    /// <summary>First message time delivered, with <see cref="DeliverPolicy.ByStartTime"/>.</summary>
    [JsonPropertyName("opt_start_time")] public DateTimeOffset? OptStartTime { get; init; }
    [JsonPropertyName("ack_policy")] public AckPolicy AckPolicy { get; init; } = AckPolicy.Explicit;
    /// <summary>How long a delivered message may stay unacknowledged before it is delivered again.</summary>
    [JsonPropertyName("ack_wait")] public TimeSpan? AckWait { get; init; }
    /// <summary>Deliveries of one message before the server gives up on it; -1 unlimited.</summary>
    [JsonPropertyName("max_deliver")] public int? MaxDeliver { get; init; }
    /// <summary>Redelivery delays after a timeout, one per attempt (the last repeats).</summary>
    [JsonPropertyName("backoff")] public IReadOnlyList<TimeSpan>? BackOff { get; init; }
    [JsonPropertyName("filter_subject")] public string? FilterSubject { get; init; }
    [JsonPropertyName("replay_policy")] public ReplayPolicy ReplayPolicy { get; init; } = ReplayPolicy.Instant;
    [JsonPropertyName("max_ack_pending")] public int? MaxAckPending { get; init; }
    /// <summary>Pull requests the server keeps waiting at once.</summary>
    [JsonPropertyName("max_waiting")] public int? MaxWaiting { get; init; }
    [JsonPropertyName("headers_only")] public bool HeadersOnly { get; init; }
    /// <summary>Largest batch one pull request may ask for.</summary>
    [JsonPropertyName("max_batch")] public int? MaxBatch { get; init; }
    /// <summary>Longest expiry one pull request may ask for.</summary>
    [JsonPropertyName("max_expires")] public TimeSpan? MaxExpires { get; init; }
    /// <summary>Largest byte budget one pull request may ask for.</summary>
    [JsonPropertyName("max_bytes")] public long? MaxBytes { get; init; }
    /// <summary>Idle time after which the server deletes the consumer (ephemeral consumers default to 5 s).</summary>
    [JsonPropertyName("inactive_threshold")] public TimeSpan? InactiveThreshold { get; init; }
    /// <summary>Replicas of the consumer's state; 0 follows the stream.</summary>
    [JsonPropertyName("num_replicas")] public int Replicas { get; init; }
    [JsonPropertyName("mem_storage")] public bool MemoryStorage { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
