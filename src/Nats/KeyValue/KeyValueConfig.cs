using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.KeyValue;

/// <summary>A Key-Value bucket's settings; stored as the stream <c>KV_&lt;bucket&gt;</c>.</summary>
public sealed record KeyValueConfig
{
    public KeyValueConfig(string bucket) => Bucket = bucket;

    /// <summary>Letters, digits, '-' and '_'.</summary>
    public string Bucket { get; init; }

    public string? Description { get; init; }

    /// <summary>Values kept per key, 1 to 64.</summary>
    public int History { get; init; } = 1;

    /// <summary>How long a value lives; <see cref="TimeSpan.Zero"/> forever.</summary>
    public TimeSpan MaxAge { get; init; }

    /// <summary>Size limit of the whole bucket in bytes; -1 unlimited.</summary>
    public long MaxBytes { get; init; } = -1;

    /// <summary>Largest value in bytes; -1 unlimited (up to the server's max payload).</summary>
    public int MaxValueSize { get; init; } = -1;

    public StorageType Storage { get; init; } = StorageType.File;

    public int Replicas { get; init; } = 1;

    public Placement? Placement { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
