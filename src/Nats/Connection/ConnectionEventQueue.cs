using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.Connection;

/// <summary>
/// Delivers connection events one at a time, in the order they happened, on a task of its own, so
/// handlers never run under the connection's lock and a slow handler cannot stall the reader loop.
/// </summary>
internal sealed class ConnectionEventQueue
{
    private readonly Channel<NatsConnectionStateChangedEventArgs> _events = Channel.CreateUnbounded<NatsConnectionStateChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<NatsConnectionStateChangedEventArgs> _deliver;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public ConnectionEventQueue(Action<NatsConnectionStateChangedEventArgs> deliver, ILogger logger)
    {
        _deliver = deliver;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public void Post(NatsConnectionStateChangedEventArgs args) => _events.Writer.TryWrite(args);

    /// <summary>No more events; the ones queued are still delivered.</summary>
    public void Complete() => _events.Writer.TryComplete();

    /// <summary>Completes once every queued event was delivered (do not await from inside a handler).</summary>
    public Task Completion => _loop;

    private async Task LoopAsync()
    {
        await foreach (var args in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try { _deliver(args); }
            catch (Exception ex) { _logger.LogError(ex, "A NatsConnection.StateChanged handler threw on {Event}; the event is still considered delivered", args.Event); }
        }
    }
}
