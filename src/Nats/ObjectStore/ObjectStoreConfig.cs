using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>An Object Store bucket's settings; stored as the stream <c>OBJ_&lt;bucket&gt;</c>.</summary>
public sealed record ObjectStoreConfig
{
    public ObjectStoreConfig(string bucket) => Bucket = bucket;

    /// <summary>Letters, digits, '-' and '_'.</summary>
    public string Bucket { get; init; }

    public string? Description { get; init; }

    /// <summary>How long objects live; <see cref="TimeSpan.Zero"/> forever.</summary>
    public TimeSpan MaxAge { get; init; }

    /// <summary>Size limit of the whole bucket in bytes; -1 unlimited.</summary>
    public long MaxBytes { get; init; } = -1;

    public StorageType Storage { get; init; } = StorageType.File;

    public int Replicas { get; init; } = 1;

    public Placement? Placement { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
