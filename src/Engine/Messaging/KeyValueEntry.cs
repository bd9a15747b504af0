namespace HarmonyLite.Engine.Messaging;

/// <summary>A key's current value and the revision that wrote it (the bucket stream's sequence).</summary>
public sealed record KeyValueEntry(string Key, ReadOnlyMemory<byte> Value, ulong Revision);
