namespace HarmonyLite.Nats;

/// <summary>The server sent input that is not valid NATS protocol; the connection is dropped and re-established.</summary>
public sealed class NatsProtocolException : NatsException
{
    public NatsProtocolException(string message) : base(message) { }
}
