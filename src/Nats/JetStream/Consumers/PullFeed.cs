using System.Text.Json;
using HarmonyLite.Nats.JetStream.Api;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// A continuous pull from one consumer: its own inbox subscription, pull requests kept topped up (the
/// server tells how many of an expired request were not delivered), a heartbeat watchdog and a
/// reconnect signal. Status messages are handled here; what cannot be handled here (the pulls were
/// lost, the consumer was deleted) is handed to the owner as a <see cref="PullInterruption"/>.
/// </summary>
internal sealed class PullFeed : IAsyncDisposable
{
    private readonly JetStreamContext _js;
    private readonly string _stream;
    private readonly string _consumer;
    private readonly string _nextSubject;
    private readonly string _inbox;
    private readonly NatsSubscription _subscription;
    private readonly PullFeedSettings _settings;
    private readonly object _wakeLock = new();
    private CancellationTokenSource? _wake;
    private volatile bool _reconnected;
    private int _pending;
    private long _lastActivity;

    private PullFeed(JetStreamContext js, string stream, string consumer, string inbox, NatsSubscription subscription, PullFeedSettings settings)
    {
        _js = js;
        _stream = stream;
        _consumer = consumer;
        _nextSubject = js.ApiSubject($"CONSUMER.MSG.NEXT.{stream}.{consumer}");
        _inbox = inbox;
        _subscription = subscription;
        _settings = settings;
        _lastActivity = Environment.TickCount64;
    }

    public static async Task<PullFeed> StartAsync(JetStreamContext js, string stream, string consumer, PullFeedSettings settings, CancellationToken cancellationToken)
    {
        var inbox = js.Connection.NewInbox();
        var subscription = await js.Connection.SubscribeAsync(inbox, ct: cancellationToken).ConfigureAwait(false);
        var feed = new PullFeed(js, stream, consumer, inbox, subscription, settings);
        js.Connection.StateChanged += feed.OnStateChanged;
        try
        {
            await feed.PullAsync(settings.MaxMessages, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await feed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return feed;
    }

    /// <summary>Forgets every outstanding pull and asks for a full batch again.</summary>
    public async ValueTask RepullAsync(CancellationToken cancellationToken)
    {
        _pending = 0;
        _lastActivity = Environment.TickCount64;
        await PullAsync(_settings.MaxMessages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The next message, an interruption, or an idle heartbeat. Throws <see cref="JetStreamConsumeException"/> for statuses no
    /// pull can fix, <see cref="NatsConnectionException"/> when the connection closed for good.
    /// </summary>
    public async ValueTask<PullFeedItem> ReadAsync(CancellationToken cancellationToken)
    {
        var idleLimit = _settings.IdleHeartbeat * 2;
        while (true)
        {
            if (_reconnected)
            {
                _reconnected = false;
                return PullFeedItem.Interrupted(PullInterruption.Reconnected);
            }
            if (!_subscription.Messages.TryRead(out var msg))
            {
                var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastActivity);
                if (idle >= idleLimit)
                {
                    _lastActivity = Environment.TickCount64;
                    return PullFeedItem.Interrupted(PullInterruption.HeartbeatMissed);
                }
                await WaitForMessageAsync(idleLimit - idle, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _lastActivity = Environment.TickCount64;
            if (msg.StatusCode is int status)
            {
                var kind = PullStatus.Classify(status, msg.Headers?.StatusDescription);
                if (kind == PullStatusKind.Heartbeat) return PullFeedItem.Idle;
                var interruption = await HandleStatusAsync(msg, kind, cancellationToken).ConfigureAwait(false);
                if (interruption is { } i) return PullFeedItem.Interrupted(i);
                continue;
            }
            if (JetStreamMsgMetadata.TryParse(msg.ReplyTo) is null)
            {
                _js.Logger.LogWarning("Ignoring a message on pull inbox {Inbox} of consumer {Stream}/{Consumer} that is not a JetStream delivery (subject {Subject}).", _inbox, _stream, _consumer, msg.Subject);
                continue;
            }
            _pending = Math.Max(0, _pending - 1);
            if (_pending <= _settings.ThresholdMessages)
                await PullAsync(_settings.MaxMessages - _pending, cancellationToken).ConfigureAwait(false);
            return PullFeedItem.Of(new JetStreamMsg(msg, _js.Connection, _js.RequestTimeout));
        }
    }

    private async Task WaitForMessageAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        lock (_wakeLock) _wake = wait;
        try
        {
            if (_reconnected) return;
            if (!await _subscription.Messages.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                throw new NatsConnectionException($"The pull subscription of consumer {_stream}/{_consumer} ended: the connection was closed.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out (the caller checks the heartbeat) or woken by a reconnect.
        }
        finally
        {
            lock (_wakeLock) _wake = null;
        }
    }

    private async ValueTask<PullInterruption?> HandleStatusAsync(NatsMsg msg, PullStatusKind kind, CancellationToken cancellationToken)
    {
        var status = msg.StatusCode;
        var description = msg.Headers?.StatusDescription;
        switch (kind)
        {
            case PullStatusKind.FlowControl:
                if (msg.ReplyTo is not null) await msg.ReplyAsync(ReadOnlyMemory<byte>.Empty, ct: cancellationToken).ConfigureAwait(false);
                return null;
            case PullStatusKind.NoMessages:
            case PullStatusKind.RequestExpired:
            case PullStatusKind.PullsLost:
            case PullStatusKind.ExceedsMaxBytes:
                // The server says how many of the ended request were never delivered; without that, assume all pulls ended.
                _pending = PullStatus.TryGetPendingMessages(msg.Headers, out var undelivered) ? Math.Max(0, _pending - undelivered) : 0;
                if (kind == PullStatusKind.PullsLost)
                    _js.Logger.LogDebug("Consumer {Stream}/{Consumer}: {Status} {Description}; pulling again.", _stream, _consumer, status, description);
                if (_pending <= _settings.ThresholdMessages)
                    await PullAsync(_settings.MaxMessages - _pending, cancellationToken).ConfigureAwait(false);
                return null;
            case PullStatusKind.TooManyWaiting:
                _js.Logger.LogWarning("Consumer {Stream}/{Consumer} refused a pull: {Description}; retrying in a second.", _stream, _consumer, description);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                await RepullAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case PullStatusKind.ConsumerDeleted:
                return PullInterruption.ConsumerDeleted;
            case PullStatusKind.NoResponders:
                return PullInterruption.NoResponders;
            default:
                throw new JetStreamConsumeException(_stream, _consumer, status ?? 0, description,
                    $"Pulling from consumer '{_consumer}' on stream '{_stream}' failed: the server answered {status} {description}. Check the consumer's limits (max_batch, max_expires, max_bytes) and that it is a pull consumer.");
        }
    }

    private async ValueTask PullAsync(int batch, CancellationToken cancellationToken)
    {
        if (batch <= 0) return;
        var request = new PullRequest { Batch = batch, Expires = _settings.Expires, IdleHeartbeat = _settings.IdleHeartbeat };
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, JetStreamContext.Json.PullRequest);
        try
        {
            await _js.Connection.PublishAsync(_nextSubject, payload, replyTo: _inbox, ct: cancellationToken).ConfigureAwait(false);
            _pending += batch;
        }
        catch (NatsException ex) when (_js.Connection.State != NatsConnectionState.Closed)
        {
            // Disconnected with a full reconnect buffer: the reconnect (or the heartbeat watchdog) pulls again.
            _js.Logger.LogDebug("Pull request for consumer {Stream}/{Consumer} not sent: {Error}", _stream, _consumer, ex.Message);
        }
    }

    private void OnStateChanged(object? sender, NatsConnectionStateChangedEventArgs e)
    {
        if (e.Event != NatsConnectionEvent.Reconnected) return;
        _reconnected = true;
        CancellationTokenSource? wake;
        lock (_wakeLock) wake = _wake;
        try
        {
            // Asynchronously, so the reader does not resume on the connection's event thread.
            _ = wake?.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended on its own meanwhile; the flag is seen by the next read.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _js.Connection.StateChanged -= OnStateChanged;
        try
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            _js.Logger.LogDebug("Unsubscribing pull inbox {Inbox} failed: {Error}", _inbox, ex.Message);
        }
    }
}
