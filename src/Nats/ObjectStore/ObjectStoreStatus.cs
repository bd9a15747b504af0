using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>A bucket's settings and size, read from its stream.</summary>
public sealed record ObjectStoreStatus(string Bucket, string? Description, TimeSpan MaxAge, StorageType Storage, int Replicas, ulong Bytes, bool Sealed, StreamInfo StreamInfo);
