using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>A consumer's configuration and progress as the server reports them.</summary>
public sealed record ConsumerInfo
{
    [JsonPropertyName("stream_name")] public string Stream { get; init; } = "";
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("config")] public ConsumerConfig Config { get; init; } = new();
    /// <summary>The last message delivered.</summary>
    [JsonPropertyName("delivered")] public SequenceInfo Delivered { get; init; } = new();
    /// <summary>The highest message below which everything is acknowledged.</summary>
    [JsonPropertyName("ack_floor")] public SequenceInfo AckFloor { get; init; } = new();
    [JsonPropertyName("num_ack_pending")] public long NumAckPending { get; init; }
    [JsonPropertyName("num_redelivered")] public long NumRedelivered { get; init; }
    [JsonPropertyName("num_waiting")] public long NumWaiting { get; init; }
    /// <summary>Messages in the stream not yet delivered to this consumer.</summary>
    [JsonPropertyName("num_pending")] public ulong NumPending { get; init; }
    [JsonPropertyName("cluster")] public ClusterInfo? Cluster { get; init; }
}
