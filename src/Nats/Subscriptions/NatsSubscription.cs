using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using HarmonyLite.Nats.Subscriptions;

namespace HarmonyLite.Nats;

/// <summary>
/// Interest in a subject. Messages arrive in order on <see cref="Messages"/>, a bounded channel: when
/// the reader falls behind by the capacity (NatsOptions.SubscriptionCapacity), new messages are dropped
/// and counted in <see cref="DroppedMessages"/> rather than stalling the whole connection. The
/// subscription survives reconnects; the channel completes when it is unsubscribed or the connection closes.
/// </summary>
public sealed class NatsSubscription : IAsyncDisposable, ISubscriptionTarget
{
    private readonly NatsConnection _connection;
    private readonly Channel<NatsMsg> _channel;
    private long _received;
    private long _dropped;
    private long _maxMessages; // 0 = no limit
    private int _completed;

    internal NatsSubscription(NatsConnection connection, long sid, string subject, string? queueGroup, int capacity)
    {
        _connection = connection;
        Sid = sid;
        Subject = subject;
        QueueGroup = queueGroup;
        _channel = Channel.CreateBounded<NatsMsg>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full channel refuses, and the message is counted as dropped
        });
    }

    public string Subject { get; }
    public string? QueueGroup { get; }
    public ChannelReader<NatsMsg> Messages => _channel.Reader;

    /// <summary>Messages dropped because the channel was full (slow consumer).</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    internal long Sid { get; }

    long ISubscriptionTarget.Sid => Sid;

    long? ISubscriptionTarget.MaxMessages
    {
        get
        {
            var max = Interlocked.Read(ref _maxMessages);
            return max == 0 ? null : max;
        }
    }

    long ISubscriptionTarget.Received => Interlocked.Read(ref _received);

    /// <summary>
    /// Ends the subscription now, or with <paramref name="afterMessages"/> once that many messages in
    /// total have been received on it (the server stops sending after them; UNSUB sid max).
    /// </summary>
    public ValueTask UnsubscribeAsync(int? afterMessages = null)
    {
        if (afterMessages is <= 0) throw new ArgumentOutOfRangeException(nameof(afterMessages), afterMessages, "The message count for auto-unsubscribe must be positive; pass null to unsubscribe now.");
        if (afterMessages is int max)
        {
            Interlocked.Exchange(ref _maxMessages, max);
            if (Interlocked.Read(ref _received) >= max)
                return _connection.UnsubscribeAsync(this, null);
        }
        return _connection.UnsubscribeAsync(this, afterMessages);
    }

    public ValueTask DisposeAsync() => Volatile.Read(ref _completed) != 0 ? default : UnsubscribeAsync();

    bool ISubscriptionTarget.Deliver(NatsMsg message)
    {
        var received = Interlocked.Increment(ref _received);
        if (!_channel.Writer.TryWrite(message) && Interlocked.Increment(ref _dropped) == 1)
            _connection.Logger.LogWarning("Slow consumer on subject {Subject}: its buffer of {Capacity} messages is full, so new messages are dropped (see NatsSubscription.DroppedMessages; raise NatsOptions.SubscriptionCapacity or read faster)", Subject, _connection.Options.SubscriptionCapacity);
        var max = Interlocked.Read(ref _maxMessages);
        return max != 0 && received >= max;
    }

    void ISubscriptionTarget.Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return;
        _channel.Writer.TryComplete(error);
    }

    public override string ToString() => QueueGroup is null ? Subject : $"{Subject} (queue {QueueGroup})";
}
