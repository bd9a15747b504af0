namespace HarmonyLite.Engine.Messaging;

/// <summary>JetStream answered a request with an error (a limit reached, something missing, a conflicting setting).</summary>
public sealed class MessagingRefusedException : MessagingException
{
    public MessagingRefusedException(MessagingRefusal refusal, string target, string message, Exception? inner = null)
        : base(MessagingErrorKind.Refused, message, inner)
    {
        Refusal = refusal;
        Target = target;
    }

    public MessagingRefusal Refusal { get; }

    /// <summary>What the request was about: a stream, a bucket, an object.</summary>
    public string Target { get; }
}
