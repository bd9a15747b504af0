namespace HarmonyLite.Nats.JetStream;

/// <summary>A message read straight from a stream by sequence or by subject.</summary>
public sealed record StoredMessage(string Subject, ulong Sequence, ReadOnlyMemory<byte> Data, NatsHeaders? Headers, DateTimeOffset Time);
