using System.Collections.Concurrent;
using System.Globalization;
using HarmonyLite.Nats.Subscriptions;

namespace HarmonyLite.Nats.Requests;

/// <summary>
/// Request/reply over one wildcard inbox subscription (_INBOX.&lt;nuid&gt;.*) shared by every request
/// of a connection: each request gets its own last token, and the reply is matched by it.
/// </summary>
internal sealed class RequestMux : ISubscriptionTarget
{
    private readonly NatsConnection _connection;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private long _nextToken;
    private long _received;
    private Exception? _closedWith;

    public RequestMux(NatsConnection connection, long sid, string inbox)
    {
        _connection = connection;
        Sid = sid;
        _prefix = inbox + ".";
        Subject = _prefix + "*";
    }

    public long Sid { get; }
    public string Subject { get; }
    public string? QueueGroup => null;
    public long? MaxMessages => null;
    public long Received => Interlocked.Read(ref _received);

    public async Task<NatsMsg> RequestAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers, TimeSpan timeout, CancellationToken ct)
    {
        var token = Interlocked.Increment(ref _nextToken).ToString(CultureInfo.InvariantCulture);
        var pending = new PendingRequest(subject);
        _pending[token] = pending;
        try
        {
            if (Volatile.Read(ref _closedWith) is Exception closed) throw new NatsConnectionException(closed.Message, closed);
            await _connection.PublishAsync(subject, data, headers, _prefix + token, ct).ConfigureAwait(false);
            return await pending.Reply.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NatsTimeoutException($"The request on subject '{subject}' got no reply within {timeout.TotalSeconds:0.###} s. Is the responder running and fast enough? (NatsOptions.RequestTimeout or the timeout argument)");
        }
        finally
        {
            _pending.TryRemove(token, out _);
        }
    }

    public bool Deliver(NatsMsg message)
    {
        Interlocked.Increment(ref _received);
        if (message.Subject.Length <= _prefix.Length) return false;
        var token = message.Subject[_prefix.Length..];
        if (!_pending.TryRemove(token, out var pending)) return false; // late reply of a request that timed out
        if (message.StatusCode == 503 && message.Data.IsEmpty)
            pending.Reply.TrySetException(new NatsNoRespondersException(pending.Subject));
        else
            pending.Reply.TrySetResult(message);
        return false;
    }

    public void Complete(Exception? error)
    {
        var closed = new NatsConnectionException("The NATS connection was closed while the request waited for its reply.", error);
        Volatile.Write(ref _closedWith, closed);
        foreach (var key in _pending.Keys)
            if (_pending.TryRemove(key, out var pending)) pending.Reply.TrySetException(closed);
    }

    private sealed class PendingRequest(string subject)
    {
        public string Subject { get; } = subject;
        public TaskCompletionSource<NatsMsg> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
