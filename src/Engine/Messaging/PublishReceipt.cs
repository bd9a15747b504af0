namespace HarmonyLite.Engine.Messaging;

/// <summary>Where JetStream stored a published batch.</summary>
/// <param name="Duplicate">True when a message with the same id was stored before (a retried publish): it is stored once, at <paramref name="Sequence"/>.</param>
public sealed record PublishReceipt(string Stream, ulong Sequence, bool Duplicate);
