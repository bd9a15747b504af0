namespace HarmonyLite.Nats;

public enum NatsConnectionState
{
    /// <summary>Not connected and not trying: before <see cref="NatsConnection.ConnectAsync(CancellationToken)"/>, or after it failed.</summary>
    Disconnected,
    /// <summary>The first connect is in progress.</summary>
    Connecting,
    Connected,
    /// <summary>The connection was lost; the client is trying the servers again and buffers publishes.</summary>
    Reconnecting,
    /// <summary><see cref="NatsConnection.DrainAsync"/> is unsubscribing and flushing before it closes.</summary>
    Draining,
    /// <summary>Closed for good: disposed, drained, or reconnect attempts exhausted.</summary>
    Closed,
}
