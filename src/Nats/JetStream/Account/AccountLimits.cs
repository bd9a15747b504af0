using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>An account's JetStream limits; -1 is unlimited.</summary>
public sealed record AccountLimits
{
    [JsonPropertyName("max_memory")] public long MaxMemory { get; init; }
    [JsonPropertyName("max_storage")] public long MaxStorage { get; init; }
    [JsonPropertyName("max_streams")] public int MaxStreams { get; init; }
    [JsonPropertyName("max_consumers")] public int MaxConsumers { get; init; }
    [JsonPropertyName("max_ack_pending")] public int MaxAckPending { get; init; }
    [JsonPropertyName("memory_max_stream_bytes")] public long MemoryMaxStreamBytes { get; init; }
    [JsonPropertyName("storage_max_stream_bytes")] public long StorageMaxStreamBytes { get; init; }
    [JsonPropertyName("max_bytes_required")] public bool MaxBytesRequired { get; init; }
}
