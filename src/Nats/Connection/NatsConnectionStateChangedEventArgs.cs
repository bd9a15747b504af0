namespace HarmonyLite.Nats;

/// <summary>A connection event with the state it left the connection in, the server concerned and the cause.</summary>
public sealed class NatsConnectionStateChangedEventArgs : EventArgs
{
    public NatsConnectionStateChangedEventArgs(NatsConnectionEvent @event, NatsConnectionState state, string? url, Exception? error, string? message = null)
    {
        Event = @event;
        State = state;
        Url = url;
        Error = error;
        Message = message;
    }

    public NatsConnectionEvent Event { get; }
    public NatsConnectionState State { get; }

    /// <summary>The server URL (without credentials) the event concerns, if any.</summary>
    public string? Url { get; }

    /// <summary>Why the connection was lost or closed, if it was an error.</summary>
    public Exception? Error { get; }

    /// <summary>Extra detail: the server's -ERR text, or the discovered URLs.</summary>
    public string? Message { get; }

    public override string ToString() => $"{Event} ({State}){(Url is null ? "" : " " + Url)}{(Message is null ? "" : ": " + Message)}{(Error is null ? "" : ": " + Error.Message)}";
}
