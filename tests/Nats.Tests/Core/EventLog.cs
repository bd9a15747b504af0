using System.Collections.Concurrent;

namespace HarmonyLite.Nats.Tests.Core;

/// <summary>Records a connection's StateChanged events for assertions.</summary>
internal sealed class EventLog
{
    private readonly ConcurrentQueue<NatsConnectionStateChangedEventArgs> _events = new();

    public EventLog(NatsConnection connection) => connection.StateChanged += (_, e) => _events.Enqueue(e);

    public IReadOnlyList<NatsConnectionStateChangedEventArgs> All => _events.ToArray();

    /// <summary>The lifecycle events only (no discovery or server errors), in order.</summary>
    public IReadOnlyList<NatsConnectionEvent> Lifecycle =>
        _events.Where(e => e.Event is NatsConnectionEvent.Connected or NatsConnectionEvent.Disconnected or NatsConnectionEvent.Reconnected or NatsConnectionEvent.Closed)
            .Select(e => e.Event).ToArray();

    public int Count(NatsConnectionEvent kind) => _events.Count(e => e.Event == kind);

    public override string ToString() => string.Join("; ", _events.Select(e => e.ToString()));
}
