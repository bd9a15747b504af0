namespace HarmonyLite.Engine.Messaging;

/// <summary>A message is larger than the NATS server accepts; retrying cannot help.</summary>
public sealed class MessagePayloadTooLargeException : MessagingException
{
    public MessagePayloadTooLargeException(string subject, long size, long? maxPayload, string message, Exception? inner = null)
        : base(MessagingErrorKind.PayloadTooLarge, message, inner)
    {
        Subject = subject;
        Size = size;
        MaxPayload = maxPayload;
    }

    public string Subject { get; }

    /// <summary>The size of the message refused, in bytes.</summary>
    public long Size { get; }

    /// <summary>The largest message the server takes (its <c>max_payload</c>), when it said.</summary>
    public long? MaxPayload { get; }
}
