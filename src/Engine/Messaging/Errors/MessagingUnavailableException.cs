namespace HarmonyLite.Engine.Messaging;

/// <summary>No NATS server answered: it is unreachable, the connection is down, or JetStream did not reply in time.</summary>
public sealed class MessagingUnavailableException : MessagingException
{
    public MessagingUnavailableException(string message, Exception? inner = null)
        : base(MessagingErrorKind.Unavailable, message, inner)
    {
    }
}
