namespace HarmonyLite.Nats.JetStream;

/// <summary>The server stored a published message: in <see cref="Stream"/> at <see cref="Sequence"/>.</summary>
/// <param name="Duplicate">True when the <c>Nats-Msg-Id</c> was seen within the duplicate window: the message was stored once, earlier.</param>
public sealed record PubAck(string Stream, ulong Sequence, bool Duplicate, string? Domain);
