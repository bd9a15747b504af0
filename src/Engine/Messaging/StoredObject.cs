namespace HarmonyLite.Engine.Messaging;

/// <summary>An object of an object store bucket, as its metadata describes it.</summary>
/// <param name="Sha256">The SHA-256 of its bytes as lowercase hex, as the store recorded it; null when it recorded none.</param>
/// <param name="Metadata">The object's metadata map (free-form keys and values).</param>
/// <param name="Chunks">How many messages of the bucket's stream hold its bytes.</param>
public sealed record StoredObject(string Name, string? Description, long Size, string? Sha256, IReadOnlyDictionary<string, string> Metadata, long Chunks);
