namespace HarmonyLite.Nats.KeyValue;

/// <summary>One revision of a key.</summary>
/// <param name="Revision">The stream sequence of this revision; pass it to <see cref="KeyValueStore.UpdateAsync"/>.</param>
/// <param name="Created">When this revision was stored.</param>
/// <param name="Delta">In watches and histories: revisions still to come after this one at the time it was delivered (0 = caught up).</param>
public sealed record KeyValueEntry(
    string Bucket,
    string Key,
    ReadOnlyMemory<byte> Value,
    ulong Revision,
    DateTimeOffset Created,
    ulong Delta,
    KeyValueOperation Operation);
