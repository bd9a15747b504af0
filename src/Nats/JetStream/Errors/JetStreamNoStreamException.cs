namespace HarmonyLite.Nats.JetStream;

/// <summary>A JetStream publish found no responder: no stream (with a leader) stores this subject.</summary>
public sealed class JetStreamNoStreamException : NatsException
{
    public JetStreamNoStreamException(string subject, Exception innerException)
        : base($"No JetStream stream stores subject '{subject}' (the publish had no responders). Create a stream whose subjects match it, or check the subject.", innerException)
    {
        Subject = subject;
    }

    public string Subject { get; }
}
