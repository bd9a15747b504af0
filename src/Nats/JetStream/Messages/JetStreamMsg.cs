using System.Globalization;
using System.Text;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// A message delivered by a JetStream consumer, with its position (<see cref="Metadata"/>) and the
/// acknowledgement verbs. Acks go to the message's <c>$JS.ACK</c> reply subject.
/// </summary>
public sealed class JetStreamMsg
{
    private static readonly byte[] AckPayload = "+ACK"u8.ToArray();
    private static readonly byte[] NakPayload = "-NAK"u8.ToArray();
    private static readonly byte[] TermPayload = "+TERM"u8.ToArray();
    private static readonly byte[] InProgressPayload = "+WPI"u8.ToArray();

    private readonly NatsConnection _connection;
    private readonly TimeSpan _ackTimeout;
    private JetStreamMsgMetadata? _metadata;

    internal JetStreamMsg(NatsMsg msg, NatsConnection connection, TimeSpan ackTimeout)
    {
        Msg = msg;
        _connection = connection;
        _ackTimeout = ackTimeout;
    }

    /// <summary>The underlying core message.</summary>
    public NatsMsg Msg { get; }

    /// <summary>The subject the message was published on.</summary>
    public string Subject => Msg.Subject;

    public NatsHeaders? Headers => Msg.Headers;

    public ReadOnlyMemory<byte> Data => Msg.Data;

    /// <summary>The <c>$JS.ACK</c> subject acknowledgements go to.</summary>
    public string? ReplyTo => Msg.ReplyTo;

    /// <summary>Stream and consumer sequences, delivery count, pending count and timestamp.</summary>
    public JetStreamMsgMetadata Metadata => _metadata ??= JetStreamMsgMetadata.TryParse(Msg.ReplyTo)
        ?? throw new NatsException($"The message on '{Msg.Subject}' has no JetStream ack subject (reply '{Msg.ReplyTo}'); it was not delivered by a JetStream consumer.");

    /// <summary>Acknowledges the message (fire and forget: the server's confirmation is not awaited).</summary>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => SendAsync(AckPayload, cancellationToken);

    /// <summary>
    /// Acknowledges the message and waits until the server confirms it recorded the ack, so the message
    /// will not be redelivered. Throws <see cref="NatsTimeoutException"/> when no confirmation arrives in time.
    /// </summary>
    public async Task DoubleAckAsync(CancellationToken cancellationToken = default)
    {
        await _connection.RequestAsync(AckSubject, AckPayload, timeout: _ackTimeout, ct: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for redelivery, at once or after <paramref name="delay"/>.</summary>
    public ValueTask NakAsync(TimeSpan? delay = null, CancellationToken cancellationToken = default)
    {
        if (delay is not { } d || d <= TimeSpan.Zero) return SendAsync(NakPayload, cancellationToken);
        var nanos = Serialization.NanosecondsConverter.ToNanoseconds(d).ToString(CultureInfo.InvariantCulture);
        return SendAsync(Encoding.ASCII.GetBytes("-NAK {\"delay\":" + nanos + "}"), cancellationToken);
    }

    /// <summary>Stops delivery of this message for good, without processing it.</summary>
    public ValueTask TermAsync(CancellationToken cancellationToken = default) => SendAsync(TermPayload, cancellationToken);

    /// <summary>Tells the server the message is still being worked on: its ack wait starts again.</summary>
    public ValueTask InProgressAsync(CancellationToken cancellationToken = default) => SendAsync(InProgressPayload, cancellationToken);

    private string AckSubject => Msg.ReplyTo
        ?? throw new NatsException($"The message on '{Msg.Subject}' cannot be acknowledged: it has no reply subject (its consumer uses ack policy none or it is not a JetStream message).");

    private ValueTask SendAsync(byte[] payload, CancellationToken cancellationToken) =>
        _connection.PublishAsync(AckSubject, payload, ct: cancellationToken);
}
