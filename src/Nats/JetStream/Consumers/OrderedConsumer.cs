using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// Reads a stream filter in order, exactly once, without acks: an ephemeral in-memory consumer that is
/// thrown away and recreated from the next unseen stream sequence whenever a delivery is missing (gap in
/// the consumer sequence), heartbeats stop, the connection comes back or the server drops the consumer.
/// Backs Key-Value watches, histories and listings and Object Store reads.
/// </summary>
internal sealed class OrderedConsumer : IAsyncDisposable
{
    private static readonly TimeSpan InactiveThreshold = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly JetStreamContext _js;
    private readonly OrderedConsumerOptions _options;
    private readonly PullFeedSettings _settings;
    private PullFeed? _feed;
    private string? _consumerName;
    private ulong _consumerSequence;
    private ulong? _nextStreamSequence;

    public OrderedConsumer(JetStreamContext js, OrderedConsumerOptions options)
    {
        _js = js;
        _options = options;
        _settings = new PullFeedSettings(options.MaxMessages, options.MaxMessages / 2, options.Expires, options.IdleHeartbeat);
    }

    /// <summary>Messages matching the filter at creation: how many the first reads will deliver before live updates.</summary>
    public ulong InitialPending { get; private set; }

    /// <summary>Creates the consumer; after this, <see cref="InitialPending"/> is known.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = await CreateAsync(cancellationToken).ConfigureAwait(false);
        InitialPending = info.NumPending;
        if (_options.DeliverPolicy == DeliverPolicy.New)
            _nextStreamSequence = info.Delivered.StreamSequence + 1; // a recreation must not skip what arrives meanwhile
    }

    /// <summary>Yields every message in stream order, each once, until cancelled.</summary>
    public IAsyncEnumerable<JetStreamMsg> ReadAllAsync(CancellationToken cancellationToken) => ReadAsync(untilCaughtUp: false, cancellationToken);

    /// <summary>
    /// Yields what the filter holds now (per the deliver policy) and ends once caught up; live updates are
    /// not waited for. Messages that vanish meanwhile (expired, purged) do not keep it waiting: when the
    /// server goes idle the consumer's pending count decides.
    /// </summary>
    public IAsyncEnumerable<JetStreamMsg> ReadCurrentAsync(CancellationToken cancellationToken) => ReadAsync(untilCaughtUp: true, cancellationToken);

    private async IAsyncEnumerable<JetStreamMsg> ReadAsync(bool untilCaughtUp, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_feed is null) throw new InvalidOperationException("Call StartAsync before reading an ordered consumer.");
        if (untilCaughtUp && InitialPending == 0) yield break;
        while (true)
        {
            var item = await _feed.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (item.Message is { } message)
            {
                var metadata = message.Metadata;
                if (metadata.ConsumerSequence != _consumerSequence + 1)
                {
                    _js.Logger.LogDebug("Ordered consumer on {Stream} {Filter}: expected delivery {Expected}, got {Actual}; recreating.", _options.Stream, _options.FilterSubject, _consumerSequence + 1, metadata.ConsumerSequence);
                    await ResetAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                _consumerSequence = metadata.ConsumerSequence;
                _nextStreamSequence = metadata.StreamSequence + 1;
                yield return message;
                if (untilCaughtUp && metadata.NumPending == 0) yield break;
            }
            else if (item.Interruption is { } interruption)
            {
                _js.Logger.LogDebug("Ordered consumer on {Stream} {Filter}: {Reason}; recreating.", _options.Stream, _options.FilterSubject, interruption);
                await ResetAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (untilCaughtUp && await IsCaughtUpAsync(cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    /// <summary>Asked when the server is idle: true when nothing matching is left to deliver.</summary>
    private async Task<bool> IsCaughtUpAsync(CancellationToken cancellationToken)
    {
        if (_consumerName is null) return false;
        try
        {
            var info = await _js.GetConsumerInfoAsync(_options.Stream, _consumerName, cancellationToken).ConfigureAwait(false);
            return info.NumPending == 0;
        }
        catch (NatsException ex)
        {
            _js.Logger.LogDebug("Ordered consumer on {Stream}: pending check failed ({Error}).", _options.Stream, ex.Message);
            return false;
        }
    }

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        await ReleaseAsync().ConfigureAwait(false);
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await CreateAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NatsException ex) when (IsTransient(ex))
            {
                _js.Logger.LogDebug("Ordered consumer on {Stream}: recreation failed ({Error}); retrying in {Delay}.", _options.Stream, ex.Message, delay);
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    // A vanished stream or a refused config will not heal by retrying.
    private static bool IsTransient(NatsException ex) =>
        ex is not JetStreamApiException api || api.Code >= 500 || api.ErrorCode == JetStreamErrorCode.ClusterNotAvailable;

    private async Task<ConsumerInfo> CreateAsync(CancellationToken cancellationToken)
    {
        var resume = _nextStreamSequence;
        var config = new ConsumerConfig
        {
            DeliverPolicy = resume is null ? _options.DeliverPolicy : DeliverPolicy.ByStartSequence,
            OptStartSequence = resume ?? _options.OptStartSequence,
            AckPolicy = AckPolicy.None,
            MaxDeliver = 1,
            FilterSubject = _options.FilterSubject,
            HeadersOnly = _options.HeadersOnly,
            MemoryStorage = true,
            Replicas = 1,
            InactiveThreshold = InactiveThreshold,
        };
        var info = await _js.CreateOrUpdateConsumerInfoAsync(_options.Stream, config, cancellationToken).ConfigureAwait(false);
        _consumerName = info.Name;
        _consumerSequence = 0;
        try
        {
            _feed = await PullFeed.StartAsync(_js, _options.Stream, info.Name, _settings, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
        return info;
    }

    private async Task ReleaseAsync()
    {
        if (_feed is not null)
        {
            await _feed.DisposeAsync().ConfigureAwait(false);
            _feed = null;
        }
        if (_consumerName is { } name)
        {
            _consumerName = null;
            // Best effort: the server drops it after the inactive threshold anyway.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _js.DeleteConsumerAsync(_options.Stream, name, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException)
            {
                _js.Logger.LogDebug("Deleting ordered consumer {Stream}/{Consumer} failed: {Error}", _options.Stream, name, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);
}
