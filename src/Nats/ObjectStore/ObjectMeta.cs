namespace HarmonyLite.Nats.ObjectStore;

/// <summary>What a caller says about an object when storing it or changing its metadata.</summary>
public sealed record ObjectMeta
{
    public ObjectMeta(string name) => Name = name;

    public string Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Headers { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Bytes per chunk message; null is 128 KiB. Must fit the server's max payload.</summary>
    public int? MaxChunkSize { get; init; }
}
