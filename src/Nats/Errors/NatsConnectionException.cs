namespace HarmonyLite.Nats;

/// <summary>The client cannot connect to any server, or the connection was lost or closed.</summary>
public class NatsConnectionException : NatsException
{
    public NatsConnectionException(string message) : base(message) { }
    public NatsConnectionException(string message, Exception? innerException) : base(message, innerException) { }
}
