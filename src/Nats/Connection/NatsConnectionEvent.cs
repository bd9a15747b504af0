namespace HarmonyLite.Nats;

/// <summary>What happened to a connection, as reported by <see cref="NatsConnection.StateChanged"/>.</summary>
public enum NatsConnectionEvent
{
    /// <summary>The first connection is up.</summary>
    Connected,
    /// <summary>The connection was lost; reconnecting starts (unless disabled).</summary>
    Disconnected,
    /// <summary>Connected again after a loss; subscriptions were restored.</summary>
    Reconnected,
    /// <summary>The connection is closed for good.</summary>
    Closed,
    /// <summary>The server announced servers the client did not know (cluster connect_urls); they are added to the pool.</summary>
    ServersDiscovered,
    /// <summary>The server sent a -ERR that did not end the connection (e.g. a permissions violation).</summary>
    ServerError,
}
