namespace HarmonyLite.Nats;

/// <summary>A message delivered to a subscription (MSG or HMSG).</summary>
public sealed class NatsMsg
{
    private readonly NatsConnection? _connection;

    public NatsMsg(string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> data)
        : this(subject, replyTo, headers, data, null) { }

    internal NatsMsg(string subject, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> data, NatsConnection? connection)
    {
        Subject = subject;
        ReplyTo = replyTo;
        Headers = headers;
        Data = data;
        _connection = connection;
    }

    public string Subject { get; }
    public string? ReplyTo { get; }
    public NatsHeaders? Headers { get; }
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Status code of a status message, e.g. 503, 404, 408, 409, 100; null for ordinary messages.</summary>
    public int? StatusCode => Headers?.StatusCode;

    /// <summary>The connection the message arrived on (null for messages built by hand).</summary>
    internal NatsConnection? Connection => _connection;

    /// <summary>Publishes <paramref name="data"/> to this message's reply subject.</summary>
    public ValueTask ReplyAsync(ReadOnlyMemory<byte> data, NatsHeaders? headers = null, CancellationToken ct = default)
    {
        if (ReplyTo is null)
            throw new InvalidOperationException($"The message on subject '{Subject}' has no reply subject, so it cannot be answered.");
        if (_connection is null)
            throw new InvalidOperationException($"The message on subject '{Subject}' was not received on a connection, so it cannot be answered.");
        return _connection.PublishAsync(ReplyTo, data, headers, null, ct);
    }

    public override string ToString() => $"{Subject} ({Data.Length} bytes{(ReplyTo is null ? "" : ", reply " + ReplyTo)}{(Headers is null ? "" : ", headers " + Headers)})";
}
