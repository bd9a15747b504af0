using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using HarmonyLite.Nats.Protocol;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.Connection;

/// <summary>
/// One live socket to one server, from TCP connect through the CONNECT handshake to close. It runs a
/// reader loop (parser -> owner), a writer loop (a double buffer flushed to the stream) and the
/// keepalive pings. A dead socket is never revived: the owner opens a new one.
/// </summary>
internal sealed class ServerConnection : IProtocolHandler
{
    /// <summary>Pending output above which publishers wait for the writer, so a fast producer cannot grow memory without bound.</summary>
    private const int HighWaterMark = 4 * 1024 * 1024;
    private const int ReadBufferSize = 64 * 1024;

    private readonly object _sync = new();
    private readonly Stream _stream;
    private readonly ProtocolParser _parser;
    private readonly IServerConnectionOwner _owner;
    private readonly NatsOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<bool> _writeSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<TaskCompletionSource?> _pongWaiters = new();

    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _writing = new(64 * 1024);
    private TaskCompletionSource? _drained;
    private int _pingsOutstanding;
    private bool _handshakeDone;
    private int _dead; // 1 once failed or closed: the owner hears of a failure at most once
    private bool _attached;
    private Exception? _failure;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _pingLoop = Task.CompletedTask;

    private ServerConnection(ServerAddress address, Stream stream, NatsServerInfo info, IServerConnectionOwner owner, NatsOptions options, ILogger logger)
    {
        Address = address;
        _stream = stream;
        Info = info;
        _owner = owner;
        _options = options;
        _logger = logger;
        _parser = new ProtocolParser(this);
    }

    public ServerAddress Address { get; }

    /// <summary>The INFO of the handshake, updated by later INFO messages.</summary>
    public NatsServerInfo Info { get; private set; }

    /// <summary>
    /// Connects to <paramref name="address"/>: TCP, the server's INFO, TLS if wanted, CONNECT and a PING
    /// whose PONG proves the server accepted the credentials. Then the loops run.
    /// </summary>
    public static async Task<ServerConnection> OpenAsync(ServerAddress address, ServerAddress? fallbackCredentials, ConnectionSetup setup, IServerConnectionOwner owner, CancellationToken ct)
    {
        var options = setup.Options;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            throw ConnectError(address, ex, ct, options);
        }

        ServerConnection? connection = null;
        try
        {
            var (info, leftover) = await ReadInfoAsync(stream, address, timeout.Token).ConfigureAwait(false);
            var useTls = address.IsTls || setup.Tls.IsConfigured || info.TlsRequired;
            if (useTls)
            {
                if (leftover.Length > 0)
                    throw new NatsProtocolException($"The server {address} sent data after INFO before the TLS handshake.");
                stream = await setup.Tls.UpgradeAsync(stream, address, timeout.Token).ConfigureAwait(false);
            }
            else if (address.IsTls)
            {
                throw new NatsConnectionException($"The URL {address} asks for TLS but TLS is not available on that server.");
            }

            connection = new ServerConnection(address, stream, info, owner, options, setup.Logger);
            var connect = setup.Authenticator.CreateConnect(address, fallbackCredentials, info, useTls, setup.ClientVersion);
            var hello = new ArrayBufferWriter<byte>();
            ProtocolWriter.WriteConnect(hello, connect.ToJson());
            ProtocolWriter.WritePing(hello);
            await stream.WriteAsync(hello.WrittenMemory, timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);

            connection._readLoop = Task.Run(() => connection.ReadLoopAsync(leftover));
            await connection._handshake.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            connection._writeLoop = Task.Run(connection.WriteLoopAsync);
            connection._pingLoop = Task.Run(connection.PingLoopAsync);
            return connection;
        }
        catch (Exception ex)
        {
            if (connection is not null) await connection.AbortAsync().ConfigureAwait(false);
            else await stream.DisposeAsync().ConfigureAwait(false);
            throw ConnectError(address, ex, ct, options);
        }
    }

    private static Exception ConnectError(ServerAddress address, Exception ex, CancellationToken ct, NatsOptions options) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => ex,
        OperationCanceledException => new NatsConnectionException($"Connecting to {address} timed out after {options.ConnectTimeout.TotalSeconds:0.###} s (NatsOptions.ConnectTimeout).", ex),
        NatsException => ex,
        SocketException se => new NatsConnectionException($"Cannot connect to {address}: {se.Message}. Is nats-server running and listening there?", ex),
        _ => new NatsConnectionException($"Cannot connect to {address}: {ex.Message}", ex),
    };

    /// <summary>Reads the first line, which must be INFO; returns it and any bytes that followed.</summary>
    private static async Task<(NatsServerInfo Info, byte[] Leftover)> ReadInfoAsync(Stream stream, ServerAddress address, CancellationToken ct)
    {
        var buffer = new byte[ReadBufferSize];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= ProtocolParser.MaxControlLineLength)
                    throw new NatsProtocolException($"The server {address} sent more than {ProtocolParser.MaxControlLineLength} bytes without a line end instead of INFO; is it a NATS server?");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (read == 0) throw new NatsConnectionException($"The server {address} closed the connection before sending INFO.");
            filled += read;
            var newline = buffer.AsSpan(0, filled).IndexOf((byte)'\n');
            if (newline < 0) continue;
            var capture = new InfoCapture();
            new ProtocolParser(capture).Feed(buffer.AsSpan(0, newline + 1));
            if (capture.Error is not null)
                throw ServerErrors.IsAuthorization(capture.Error)
                    ? new NatsAuthorizationException($"The server {address} refused the connection: '{capture.Error}'.", capture.Error)
                    : new NatsConnectionException($"The server {address} refused the connection: '{capture.Error}'.");
            if (capture.Json is null)
                throw new NatsProtocolException($"The server {address} did not start with INFO; is it a NATS server?");
            return (NatsServerInfo.Parse(capture.Json), buffer[(newline + 1)..filled]);
        }
    }

    // ---- writing -------------------------------------------------------------------------

    /// <summary>Queues a PUB/HPUB. The returned task completes at once unless the output buffer is above its high-water mark.</summary>
    public ValueTask EnqueuePublish(string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlySpan<byte> data)
    {
        TaskCompletionSource? wait = null;
        lock (_sync)
        {
            if (_dead != 0) return default; // lost like anything in flight; the owner is about to hear of it
            ProtocolWriter.WritePublish(_pending, subject, replyTo, headers, headerLength, data);
            if (_pending.WrittenCount > HighWaterMark)
                wait = _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        SignalWriter();
        return wait is null ? default : new ValueTask(wait.Task);
    }

    public void EnqueueSubscribe(long sid, string subject, string? queueGroup)
    {
        lock (_sync) ProtocolWriter.WriteSubscribe(_pending, sid, subject, queueGroup);
        SignalWriter();
    }

    public void EnqueueUnsubscribe(long sid, long? maxMessages)
    {
        lock (_sync) ProtocolWriter.WriteUnsubscribe(_pending, sid, maxMessages);
        SignalWriter();
    }

    /// <summary>Queues bytes already encoded as protocol (publishes buffered while disconnected).</summary>
    public void EnqueueRaw(ReadOnlySpan<byte> protocol)
    {
        lock (_sync)
        {
            protocol.CopyTo(_pending.GetSpan(protocol.Length));
            _pending.Advance(protocol.Length);
        }
        SignalWriter();
    }

    /// <summary>Sends PING; the task completes at the matching PONG, i.e. once the server has processed everything sent before.</summary>
    public Task PingAsync()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (_dead != 0) return Task.FromException(new NatsConnectionException($"The connection to {Address} is closed."));
            _pongWaiters.Enqueue(waiter);
            ProtocolWriter.WritePing(_pending);
        }
        SignalWriter();
        return waiter.Task;
    }

    private void SignalWriter() => _writeSignal.Writer.TryWrite(true);

    private async Task WriteLoopAsync()
    {
        var token = _stop.Token;
        try
        {
            while (await _writeSignal.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                _writeSignal.Reader.TryRead(out _);
                while (true)
                {
                    lock (_sync)
                    {
                        if (_pending.WrittenCount == 0) break;
                        (_pending, _writing) = (_writing, _pending);
                    }
                    await _stream.WriteAsync(_writing.WrittenMemory, token).ConfigureAwait(false);
                    // A burst can grow a buffer a lot; do not keep the memory afterwards.
                    if (_writing.Capacity > HighWaterMark * 2) _writing = new ArrayBufferWriter<byte>(64 * 1024);
                    else _writing.ResetWrittenCount();
                    TaskCompletionSource? drained;
                    lock (_sync)
                    {
                        drained = _pending.WrittenCount <= HighWaterMark ? _drained : null;
                        if (drained is not null) _drained = null;
                    }
                    drained?.TrySetResult();
                }
                await _stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!token.IsCancellationRequested || ex is not OperationCanceledException)
        {
            Fail(ex is IOException or SocketException or ObjectDisposedException
                ? new NatsConnectionException($"Writing to {Address} failed: {ex.Message}", ex)
                : ex);
        }
        catch (OperationCanceledException) { }
    }

    // ---- reading -------------------------------------------------------------------------

    private async Task ReadLoopAsync(byte[] leftover)
    {
        var token = _stop.Token;
        try
        {
            if (leftover.Length > 0) _parser.Feed(leftover);
            var buffer = new byte[ReadBufferSize];
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, token).ConfigureAwait(false);
                if (read == 0) throw new NatsConnectionException($"The server {Address} closed the connection.");
                _parser.Feed(buffer.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            Fail(ex is IOException or SocketException or ObjectDisposedException
                ? new NatsConnectionException($"Reading from {Address} failed: {ex.Message}", ex)
                : ex);
        }
        catch (Exception) { } // stopped on purpose
    }

    void IProtocolHandler.OnInfo(string json)
    {
        var info = NatsServerInfo.Parse(json);
        Info = info;
        if (_handshakeDone) _owner.OnInfo(this, info);
    }

    void IProtocolHandler.OnMessage(string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        if (_handshakeDone) _owner.OnMessage(this, subject, sid, replyTo, headers, payload);
    }

    void IProtocolHandler.OnPing()
    {
        // During the handshake the writer loop is not running yet; the signal waits for it.
        lock (_sync) ProtocolWriter.WritePong(_pending);
        SignalWriter();
    }

    void IProtocolHandler.OnPong()
    {
        if (!_handshakeDone)
        {
            _handshakeDone = true;
            _handshake.TrySetResult();
            return;
        }
        TaskCompletionSource? waiter = null;
        lock (_sync)
        {
            _pingsOutstanding = 0;
            if (_pongWaiters.Count > 0) waiter = _pongWaiters.Dequeue();
        }
        waiter?.TrySetResult();
    }

    void IProtocolHandler.OnOk() { }

    void IProtocolHandler.OnError(string message)
    {
        if (!_handshakeDone)
        {
            throw ServerErrors.IsAuthorization(message)
                ? new NatsAuthorizationException($"The server {Address} refused the credentials: '{message}'. Check the user/password, token, nkey or creds file in NatsOptions.", message)
                : new NatsConnectionException($"The server {Address} rejected the connection: '{message}'.");
        }
        if (ServerErrors.IsStaleConnection(message))
            throw new NatsConnectionException($"The server {Address} closed the connection as stale (it got no PONG in time).");
        if (ServerErrors.IsAuthorization(message))
            throw new NatsConnectionException($"The server {Address} ended the session: '{message}'.");
        _owner.OnServerError(this, message);
    }

    // ---- keepalive -----------------------------------------------------------------------

    private async Task PingLoopAsync()
    {
        var token = _stop.Token;
        try
        {
            using var timer = new PeriodicTimer(_options.PingInterval);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                bool stale;
                lock (_sync)
                {
                    stale = _pingsOutstanding >= _options.MaxPingsOutstanding;
                    if (!stale)
                    {
                        _pingsOutstanding++;
                        _pongWaiters.Enqueue(null);
                        ProtocolWriter.WritePing(_pending);
                    }
                }
                if (stale)
                {
                    Fail(new NatsConnectionException($"The connection to {Address} is stale: {_options.MaxPingsOutstanding} pings got no PONG within {_options.PingInterval.TotalSeconds:0.###} s each."));
                    return;
                }
                SignalWriter();
            }
        }
        catch (OperationCanceledException) { }
    }

    // ---- ending --------------------------------------------------------------------------

    /// <summary>Marks the connection dead, closes the socket, fails waiters, and tells the owner once.</summary>
    private void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _dead, 1) != 0) return;
        _logger.LogDebug(error, "Connection to {Server} failed", Address);
        Shutdown(error);
        if (!_handshake.Task.IsCompleted)
        {
            _handshake.TrySetException(error);
            return;
        }
        bool attached;
        lock (_sync)
        {
            _failure = error;
            attached = _attached;
        }
        if (attached) _owner.OnFailed(this, error);
    }

    /// <summary>
    /// The owner made this its current connection: from now on failures are reported to it. Returns the
    /// error if the connection already died between the handshake and this call (the owner was not told).
    /// </summary>
    public Exception? Attach()
    {
        lock (_sync)
        {
            _attached = true;
            return _failure;
        }
    }

    private void Shutdown(Exception error)
    {
        _stop.Cancel();
        _writeSignal.Writer.TryComplete();
        try { _stream.Dispose(); }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException) { }
        List<TaskCompletionSource?> waiters;
        TaskCompletionSource? drained;
        lock (_sync)
        {
            waiters = _pongWaiters.ToList();
            _pongWaiters.Clear();
            drained = _drained;
            _drained = null;
        }
        foreach (var waiter in waiters)
            waiter?.TrySetException(new NatsConnectionException($"The connection to {Address} was lost before the server answered the PING.", error));
        drained?.TrySetResult();
    }

    /// <summary>Closes on purpose: optionally gives the writer a moment to send what is queued, then stops. The owner hears nothing.</summary>
    public async Task CloseAsync(TimeSpan flushTimeout)
    {
        if (Volatile.Read(ref _dead) == 0 && flushTimeout > TimeSpan.Zero)
        {
            try { await PingAsync().WaitAsync(flushTimeout).ConfigureAwait(false); }
            catch (Exception ex) when (ex is TimeoutException or NatsException) { }
        }
        await AbortAsync().ConfigureAwait(false);
    }

    /// <summary>Stops at once without telling the owner.</summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _dead, 1) == 0)
            Shutdown(new NatsConnectionException($"The connection to {Address} was closed."));
        try { await Task.WhenAll(_readLoop, _writeLoop, _pingLoop).ConfigureAwait(false); }
        catch (Exception ex) { _logger.LogDebug(ex, "A loop of the connection to {Server} ended with an error", Address); }
        _stop.Dispose();
    }

    /// <summary>Captures the INFO JSON of the greeting; any other first operation is left for the caller to reject.</summary>
    private sealed class InfoCapture : IProtocolHandler
    {
        public string? Json { get; private set; }
        public string? Error { get; private set; }
        public void OnInfo(string json) => Json ??= json;
        public void OnMessage(string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload) { }
        public void OnPing() { }
        public void OnPong() { }
        public void OnOk() { }
        public void OnError(string message) => Error ??= message;
    }
}
