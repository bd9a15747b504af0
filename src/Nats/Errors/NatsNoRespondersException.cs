namespace HarmonyLite.Nats;

/// <summary>A request found no subscriber on its subject (the server answered with status 503).</summary>
public sealed class NatsNoRespondersException : NatsException
{
    public NatsNoRespondersException(string subject)
        : base($"No responders are listening on subject '{subject}'. Check that the service (or JetStream stream) for it is running.") =>
        Subject = subject;

    public string Subject { get; }
}
