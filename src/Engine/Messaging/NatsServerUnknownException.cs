namespace HarmonyLite.Engine.Messaging;

/// <summary>The NATS server a node uses cannot be found or reached from this process; the message says what to set.</summary>
public sealed class NatsServerUnknownException : Exception
{
    public NatsServerUnknownException(string message) : base(message) { }
    public NatsServerUnknownException(string message, Exception inner) : base(message, inner) { }
}
