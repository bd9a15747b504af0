namespace HarmonyLite.Nats;

/// <summary>An operation (typically a request) got no answer in time.</summary>
public sealed class NatsTimeoutException : NatsException
{
    public NatsTimeoutException(string message) : base(message) { }
}
