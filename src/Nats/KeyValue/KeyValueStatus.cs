using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.KeyValue;

/// <summary>A bucket's settings and size, read from its stream.</summary>
public sealed record KeyValueStatus(string Bucket, ulong Values, int History, TimeSpan MaxAge, ulong Bytes, StorageType Storage, int Replicas, StreamInfo StreamInfo);
