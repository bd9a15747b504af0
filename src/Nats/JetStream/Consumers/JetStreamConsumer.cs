using System.Runtime.CompilerServices;
using System.Text.Json;
using HarmonyLite.Nats.JetStream.Api;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// A handle on a pull consumer: one-off batches (<see cref="FetchAsync"/>) or an endless, self-healing
/// stream of messages (<see cref="ConsumeAsync"/>).
/// </summary>
public sealed class JetStreamConsumer
{
    private static readonly TimeSpan FetchGrace = TimeSpan.FromSeconds(1);
    private readonly JetStreamContext _js;

    internal JetStreamConsumer(JetStreamContext js, ConsumerInfo info)
    {
        _js = js;
        Stream = info.Stream;
        Name = info.Name;
        Info = info;
    }

    public string Stream { get; }

    public string Name { get; }

    /// <summary>The consumer's info as last read from the server.</summary>
    public ConsumerInfo Info { get; private set; }

    /// <summary>Reads the consumer's info again and keeps it in <see cref="Info"/>.</summary>
    public async Task<ConsumerInfo> RefreshInfoAsync(CancellationToken cancellationToken = default)
    {
        Info = await _js.GetConsumerInfoAsync(Stream, Name, cancellationToken).ConfigureAwait(false);
        return Info;
    }

    /// <summary>
    /// One pull request: yields up to <see cref="FetchOptions.MaxMessages"/> messages and ends when the
    /// batch is complete, the request expires, nothing is there (no-wait) or its heartbeat stops.
    /// </summary>
    public async IAsyncEnumerable<JetStreamMsg> FetchAsync(FetchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new FetchOptions();
        if (options.MaxMessages < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxMessages, "FetchOptions.MaxMessages must be at least 1.");
        if (!options.NoWait && options.Expires < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(options), options.Expires, "FetchOptions.Expires must be at least 1 ms.");
        TimeSpan? heartbeat = options.NoWait ? null
            : options.IdleHeartbeat ?? (options.Expires >= TimeSpan.FromSeconds(2) ? TimeSpan.FromTicks(Math.Min(options.Expires.Ticks / 2, TimeSpan.FromSeconds(30).Ticks)) : null);

        var connection = _js.Connection;
        var inbox = connection.NewInbox();
        await using var subscription = await connection.SubscribeAsync(inbox, ct: cancellationToken).ConfigureAwait(false);
        var request = new PullRequest
        {
            Batch = options.MaxMessages,
            Expires = options.NoWait ? null : options.Expires,
            NoWait = options.NoWait,
            IdleHeartbeat = heartbeat,
            MaxBytes = options.MaxBytes,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, JetStreamContext.Json.PullRequest);
        await connection.PublishAsync(_js.ApiSubject($"CONSUMER.MSG.NEXT.{Stream}.{Name}"), payload, replyTo: inbox, ct: cancellationToken).ConfigureAwait(false);

        var deadline = Environment.TickCount64 + (long)((options.NoWait ? _js.RequestTimeout : options.Expires + FetchGrace).TotalMilliseconds);
        var received = 0;
        while (received < options.MaxMessages)
        {
            var wait = TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
            if (heartbeat is { } hb && wait > hb * 2) wait = hb * 2;
            var msg = await ReadWithTimeoutAsync(subscription, wait, cancellationToken).ConfigureAwait(false);
            if (msg is null)
            {
                if (Environment.TickCount64 < deadline)
                    _js.Logger.LogWarning("Fetch from consumer {Stream}/{Consumer} ended early: no heartbeat for {Interval}.", Stream, Name, wait);
                yield break;
            }
            if (msg.StatusCode is int status)
            {
                var description = msg.Headers?.StatusDescription;
                switch (PullStatus.Classify(status, description))
                {
                    case PullStatusKind.Heartbeat:
                        continue;
                    case PullStatusKind.FlowControl:
                        if (msg.ReplyTo is not null) await msg.ReplyAsync(ReadOnlyMemory<byte>.Empty, ct: cancellationToken).ConfigureAwait(false);
                        continue;
                    case PullStatusKind.ConsumerDeleted:
                    case PullStatusKind.NoResponders:
                    case PullStatusKind.Fatal:
                        throw new JetStreamConsumeException(Stream, Name, status, description,
                            $"Fetching from consumer '{Name}' on stream '{Stream}' failed: the server answered {status} {description}.");
                    default:
                        // 404 / 408 / other 409s: this request is over.
                        yield break;
                }
            }
            received++;
            yield return new JetStreamMsg(msg, connection, _js.RequestTimeout);
        }
    }

    /// <summary>
    /// Yields messages for as long as it is enumerated. Keeps pull requests topped up, pulls again after a
    /// reconnect, after lost pulls (leadership change, expiry) and when heartbeats stop; ends with
    /// <see cref="JetStreamConsumeException"/> when the consumer is gone or the server refuses the pulls.
    /// </summary>
    public async IAsyncEnumerable<JetStreamMsg> ConsumeAsync(ConsumeOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var settings = PullFeedSettings.From(options ?? new ConsumeOptions());
        await using var feed = await PullFeed.StartAsync(_js, Stream, Name, settings, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var item = await feed.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (item.Message is { } message)
                yield return message;
            else if (item.Interruption is { } interruption)
                await RecoverAsync(feed, interruption, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RecoverAsync(PullFeed feed, PullInterruption interruption, CancellationToken cancellationToken)
    {
        switch (interruption)
        {
            case PullInterruption.ConsumerDeleted:
                throw new JetStreamConsumeException(Stream, Name, 409, "Consumer Deleted",
                    $"Consumer '{Name}' on stream '{Stream}' was deleted while it was being consumed; recreate it to continue.");
            case PullInterruption.Reconnected:
                _js.Logger.LogInformation("Consumer {Stream}/{Consumer}: connection re-established, pulling again.", Stream, Name);
                await feed.RepullAsync(cancellationToken).ConfigureAwait(false);
                return;
            case PullInterruption.NoResponders:
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                goto default;
            default:
                // While disconnected the reconnect pulls again; pulling now would only fill the reconnect buffer.
                if (_js.Connection.State != NatsConnectionState.Connected) return;
                _js.Logger.LogWarning("Consumer {Stream}/{Consumer}: {Reason}; checking the consumer and pulling again.", Stream, Name, interruption);
                await EnsureConsumerExistsAsync(cancellationToken).ConfigureAwait(false);
                await feed.RepullAsync(cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    private async Task EnsureConsumerExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode is JetStreamErrorCode.ConsumerNotFound or JetStreamErrorCode.StreamNotFound)
        {
            throw new JetStreamConsumeException(Stream, Name, ex.ErrorCode, ex.Description,
                $"Consumer '{Name}' on stream '{Stream}' no longer exists ({ex.Description}); recreate it to continue.", ex);
        }
        catch (NatsException ex) when (ex is not JetStreamApiException { Code: 400 })
        {
            // Cluster busy electing, timeout, brief disconnect: pull anyway, the watchdog checks again.
            _js.Logger.LogDebug("Consumer {Stream}/{Consumer}: info check failed ({Error}).", Stream, Name, ex.Message);
        }
    }

    private static async ValueTask<NatsMsg?> ReadWithTimeoutAsync(NatsSubscription subscription, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (subscription.Messages.TryRead(out var ready)) return ready;
        if (timeout <= TimeSpan.Zero) return null;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await subscription.Messages.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new NatsConnectionException($"The subscription on '{subscription.Subject}' ended: the connection was closed.", ex);
        }
    }
}
