namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// A NATS operation failed. The engine's words for what the NATS client reported: the message says what failed, on
/// which server or stream, and what to check; <see cref="Kind"/> says what kind of failure it is.
/// </summary>
public abstract class MessagingException : Exception
{
    protected MessagingException(MessagingErrorKind kind, string message, Exception? inner)
        : base(message, inner)
    {
        Kind = kind;
    }

    public MessagingErrorKind Kind { get; }
}
