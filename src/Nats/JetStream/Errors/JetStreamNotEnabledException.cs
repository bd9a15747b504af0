namespace HarmonyLite.Nats.JetStream;

/// <summary>Nothing answers the JetStream API: the server (or the account) runs without JetStream.</summary>
public sealed class JetStreamNotEnabledException : NatsException
{
    public JetStreamNotEnabledException(string subject, Exception innerException)
        : base($"No JetStream API answered on '{subject}'. Enable JetStream on the server (nats-server -js, or a 'jetstream {{}}' block in its config) and for the account, or check the JetStream domain/API prefix.", innerException)
    {
        Subject = subject;
    }

    public string Subject { get; }
}
