using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using HarmonyLite.Nats.Connection;
using HarmonyLite.Nats.Protocol;
using HarmonyLite.Nats.Requests;
using HarmonyLite.Nats.Security;
using HarmonyLite.Nats.Subscriptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Nats;

/// <summary>
/// A NATS client connection: publish, subscribe, request/reply, with reconnection to any server of the
/// pool, resubscription, and publishes buffered while disconnected. Thread-safe.
/// </summary>
public sealed class NatsConnection : IAsyncDisposable, IServerConnectionOwner
{
    private static readonly string ClientVersion = typeof(NatsConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private readonly object _gate = new();
    private readonly ILogger _logger;
    private readonly ServerPool _pool;
    private readonly Nuid _nuid = new();
    private readonly ConnectionSetup _setup;
    private readonly ConcurrentDictionary<long, ISubscriptionTarget> _subscriptions = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConnectionEventQueue _events;

    private NatsConnectionState _state = NatsConnectionState.Disconnected;
    private ServerConnection? _server;
    private ServerAddress? _lastServer;
    private NatsServerInfo? _info;
    private ArrayBufferWriter<byte> _reconnectBuffer = new();
    private TaskCompletionSource _connectedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RequestMux? _requests;
    private Task _reconnectTask = Task.CompletedTask;
    private long _nextSid;

    public NatsConnection(NatsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NatsConnection>();
        _pool = new ServerPool(options.Urls, options.RandomizeServers);
        _setup = new ConnectionSetup(options, new Authenticator(options), new TlsUpgrade(options), _logger, ClientVersion);
        _events = new ConnectionEventQueue(args => StateChanged?.Invoke(this, args), _logger);
    }

    public NatsOptions Options { get; }

    internal ILogger Logger => _logger;

    public NatsConnectionState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>INFO of the server currently (or last) connected to.</summary>
    public NatsServerInfo? ServerInfo
    {
        get { lock (_gate) return _info; }
    }

    /// <summary>URL (without credentials) of the server currently connected to, or null.</summary>
    public string? ConnectedUrl
    {
        get { lock (_gate) return _server?.Address.ToString(); }
    }

    /// <summary>Every server the client knows, configured and discovered, without credentials.</summary>
    public IReadOnlyList<string> KnownServers => _pool.Servers.Select(s => s.ToString()).ToArray();

    /// <summary>Connected, Disconnected, Reconnected, Closed (and discovery, server errors), delivered in order on a background task.</summary>
    public event EventHandler<NatsConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Creates a connection and connects it.</summary>
    public static async Task<NatsConnection> ConnectAsync(NatsOptions options, CancellationToken ct = default)
    {
        var connection = new NatsConnection(options);
        try
        {
            await connection.ConnectAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects to the first server of the pool that answers, trying every server once per round for
    /// 1 + ConnectRetries rounds. Refused credentials fail at once with <see cref="NatsAuthorizationException"/>.
    /// </summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            switch (_state)
            {
                case NatsConnectionState.Connected: return;
                case NatsConnectionState.Closed or NatsConnectionState.Draining:
                    throw new ObjectDisposedException(nameof(NatsConnection), "The NATS connection is closed; create a new one.");
                case NatsConnectionState.Connecting or NatsConnectionState.Reconnecting:
                    throw new InvalidOperationException("The NATS connection is already connecting.");
            }
            _state = NatsConnectionState.Connecting;
        }
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
            var server = await ConnectRoundsAsync(1 + Options.ConnectRetries, initial: true, linked.Token).ConfigureAwait(false);
            Activate(server, reconnected: false);
        }
        catch
        {
            lock (_gate)
            {
                if (_state == NatsConnectionState.Connecting)
                {
                    _state = NatsConnectionState.Disconnected;
                    _reconnectBuffer = new ArrayBufferWriter<byte>();
                }
            }
            throw;
        }
    }

    /// <summary>Tries the pool round after round; rounds &lt; 0 means forever. Waits ReconnectWait + jitter between rounds.</summary>
    private async Task<ServerConnection> ConnectRoundsAsync(int rounds, bool initial, CancellationToken ct)
    {
        Exception? lastError = null;
        var tried = new List<string>();
        for (var round = 0; rounds < 0 || round < rounds; round++)
        {
            if (round > 0)
            {
                var jitter = Options.ReconnectJitter > TimeSpan.Zero ? TimeSpan.FromTicks(Random.Shared.NextInt64(Options.ReconnectJitter.Ticks)) : TimeSpan.Zero;
                await Task.Delay(Options.ReconnectWait + jitter, ct).ConfigureAwait(false);
            }
            ServerAddress? last;
            lock (_gate) last = _lastServer;
            NatsAuthorizationException? refused = null;
            var attempts = 0;
            var authRefusals = 0;
            foreach (var address in _pool.RoundOrder(last))
            {
                attempts++;
                ct.ThrowIfCancellationRequested();
                try
                {
                    var server = await ServerConnection.OpenAsync(address, _pool.FirstWithCredentials(), _setup, this, ct).ConfigureAwait(false);
                    _logger.LogInformation("Connected to NATS server {Server} ({ServerName}, version {Version})", address, server.Info.ServerName, server.Info.Version);
                    return server;
                }
                catch (NatsAuthorizationException ex)
                {
                    _logger.LogError("NATS server {Server} refused the credentials: {Error}", address, ex.ServerError);
                    if (initial) throw;
                    lastError = refused = ex;
                    authRefusals++;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    lastError = ex;
                    if (!tried.Contains(address.ToString())) tried.Add(address.ToString());
                    _logger.Log(initial ? LogLevel.Debug : LogLevel.Information, "Connecting to NATS server {Server} failed: {Error}", address, ex.Message);
                }
            }
            // Every server refused the credentials: retrying the same ones cannot succeed.
            if (refused is not null && authRefusals == attempts) throw refused;
        }
        throw new NatsConnectionException(
            $"Could not connect to any NATS server ({string.Join(", ", tried)}) after {rounds} round(s) of attempts: {lastError?.Message ?? "no server to try"}",
            lastError);
    }

    /// <summary>Makes a freshly handshaken server connection the current one: restore subscriptions, flush buffered publishes.</summary>
    private void Activate(ServerConnection server, bool reconnected)
    {
        TaskCompletionSource signal;
        IReadOnlyList<ServerAddress> discovered;
        lock (_gate)
        {
            if (_state is NatsConnectionState.Closed or NatsConnectionState.Draining)
            {
                _ = server.AbortAsync();
                throw new ObjectDisposedException(nameof(NatsConnection), "The NATS connection was closed while it was connecting.");
            }
            var diedEarly = server.Attach();
            _info = server.Info;
            discovered = _pool.AddDiscovered(server.Info.ConnectUrls, server.Address.IsTls);
            if (diedEarly is null)
            {
                foreach (var target in _subscriptions.Values.OrderBy(t => t.Sid))
                {
                    server.EnqueueSubscribe(target.Sid, target.Subject, target.QueueGroup);
                    if (target.MaxMessages is long max) server.EnqueueUnsubscribe(target.Sid, Math.Max(1, max - target.Received));
                }
                if (_reconnectBuffer.WrittenCount > 0)
                {
                    server.EnqueueRaw(_reconnectBuffer.WrittenSpan);
                    _reconnectBuffer = new ArrayBufferWriter<byte>();
                }
            }
            _server = server;
            _lastServer = server.Address;
            _state = NatsConnectionState.Connected;
            signal = _connectedSignal;
            _connectedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _events.Post(new(reconnected ? NatsConnectionEvent.Reconnected : NatsConnectionEvent.Connected, NatsConnectionState.Connected, server.Address.ToString(), null));
            // Lost between the handshake and now: handled like any later loss (the buffered publishes stay buffered).
            if (diedEarly is not null) HandleLostLocked(server, diedEarly);
        }
        signal.TrySetResult();
        ReportDiscovered(discovered);
    }

    private void ReportDiscovered(IReadOnlyList<ServerAddress> discovered)
    {
        if (discovered.Count == 0) return;
        var list = string.Join(", ", discovered.Select(d => d.ToString()));
        _logger.LogInformation("Discovered NATS servers {Servers}", list);
        _events.Post(new(NatsConnectionEvent.ServersDiscovered, State, null, null, list));
    }

    // ---- publish -------------------------------------------------------------------------

    /// <summary>
    /// Publishes a message. While reconnecting, it is buffered (up to ReconnectBufferSize bytes) and sent
    /// after the reconnect. Larger than the server's max_payload: <see cref="NatsPayloadTooLargeException"/>.
    /// </summary>
    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, string? replyTo = null, CancellationToken ct = default)
    {
        Subjects.Validate(subject, nameof(subject));
        if (replyTo is not null) Subjects.Validate(replyTo, nameof(replyTo));
        if (ct.IsCancellationRequested) return ValueTask.FromCanceled(ct);
        var headerLength = headers is null ? 0 : HeaderCodec.GetEncodedLength(headers);
        var size = (long)headerLength + data.Length;
        lock (_gate)
        {
            if (_info is { MaxPayload: > 0 } info && size > info.MaxPayload)
                throw new NatsPayloadTooLargeException(subject, size, info.MaxPayload);
            if (headers is not null && _info is { Headers: false })
                throw new NatsException($"The NATS server {_server?.Address.ToString() ?? ""} does not support message headers (it is older than 2.2 or has them disabled); the message for '{subject}' was not sent.");
            switch (_state)
            {
                case NatsConnectionState.Connected or NatsConnectionState.Draining when _server is not null:
                    return _server.EnqueuePublish(subject, replyTo, headers, headerLength, data.Span);
                case NatsConnectionState.Connecting or NatsConnectionState.Reconnecting:
                    var before = _reconnectBuffer.WrittenCount;
                    if (before + size + subject.Length + (replyTo?.Length ?? 0) + 64 > Options.ReconnectBufferSize)
                        throw new NatsException($"The NATS connection is down and its reconnect buffer is full ({before} of {Options.ReconnectBufferSize} bytes, NatsOptions.ReconnectBufferSize); the message for '{subject}' was not sent. Retry after reconnecting.");
                    ProtocolWriter.WritePublish(_reconnectBuffer, subject, replyTo, headers, headerLength, data.Span);
                    return default;
                case NatsConnectionState.Disconnected:
                    throw new NatsConnectionException($"The NATS connection is not connected; call ConnectAsync before publishing to '{subject}'.");
                default:
                    throw new NatsConnectionException($"The NATS connection is closed; the message for '{subject}' was not sent. Create a new connection.");
            }
        }
    }

    // ---- subscribe -----------------------------------------------------------------------

    /// <summary>
    /// Subscribes to <paramref name="subject"/> (wildcards allowed), optionally in a queue group. When
    /// connected it returns once the server has registered the interest, so publishes from any
    /// connection made afterwards reach it.
    /// </summary>
    public async Task<NatsSubscription> SubscribeAsync(string subject, string? queueGroup = null, CancellationToken ct = default)
    {
        Subjects.Validate(subject, nameof(subject));
        if (queueGroup is not null) Subjects.ValidateQueueGroup(queueGroup, nameof(queueGroup));
        ct.ThrowIfCancellationRequested();
        NatsSubscription subscription;
        ServerConnection? server;
        lock (_gate)
        {
            ThrowIfClosed();
            subscription = new NatsSubscription(this, ++_nextSid, subject, queueGroup, Options.SubscriptionCapacity);
            _subscriptions[subscription.Sid] = subscription;
            server = _state == NatsConnectionState.Connected ? _server : null;
            server?.EnqueueSubscribe(subscription.Sid, subject, queueGroup);
        }
        if (server is not null)
        {
            try { await server.PingAsync().WaitAsync(ct).ConfigureAwait(false); }
            catch (NatsConnectionException) { } // lost meanwhile: the reconnect subscribes again
        }
        return subscription;
    }

    /// <summary>Ends a subscription now, or after <paramref name="afterMessages"/> messages in total.</summary>
    internal ValueTask UnsubscribeAsync(ISubscriptionTarget target, int? afterMessages)
    {
        lock (_gate)
        {
            if (!_subscriptions.ContainsKey(target.Sid)) return default;
            var server = _state is NatsConnectionState.Connected or NatsConnectionState.Draining ? _server : null;
            if (afterMessages is int max)
            {
                server?.EnqueueUnsubscribe(target.Sid, max);
                return default;
            }
            _subscriptions.TryRemove(target.Sid, out _);
            server?.EnqueueUnsubscribe(target.Sid, null);
        }
        target.Complete(null);
        return default;
    }

    // ---- request/reply -------------------------------------------------------------------

    /// <summary>
    /// Publishes a request and waits for the first reply. No subscriber: <see cref="NatsNoRespondersException"/>;
    /// no reply in time (default NatsOptions.RequestTimeout): <see cref="NatsTimeoutException"/>.
    /// </summary>
    public Task<NatsMsg> RequestAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        Subjects.Validate(subject, nameof(subject));
        var wait = timeout ?? Options.RequestTimeout;
        if (wait <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A request timeout must be positive.");
        return RequestMux().RequestAsync(subject, data, headers, wait, ct);
    }

    private RequestMux RequestMux()
    {
        lock (_gate)
        {
            if (_requests is not null) return _requests;
            ThrowIfClosed();
            var mux = new RequestMux(this, ++_nextSid, NewInbox());
            _subscriptions[mux.Sid] = mux;
            // The SUB goes out before any request on this connection, so no round trip is needed.
            if (_state == NatsConnectionState.Connected) _server?.EnqueueSubscribe(mux.Sid, mux.Subject, null);
            return _requests = mux;
        }
    }

    /// <summary>A unique inbox subject: "_INBOX." + a NUID.</summary>
    public string NewInbox() => "_INBOX." + _nuid.Next();

    // ---- flush, drain, close -------------------------------------------------------------

    /// <summary>PING and wait for the PONG: everything published before is then processed by the server. Waits for a reconnect if disconnected.</summary>
    public async Task PingAsync(CancellationToken ct = default)
    {
        while (true)
        {
            ServerConnection? server;
            Task connected;
            lock (_gate)
            {
                ThrowIfClosed();
                server = _state == NatsConnectionState.Connected ? _server : null;
                connected = _connectedSignal.Task;
                if (_state == NatsConnectionState.Disconnected)
                    throw new NatsConnectionException("The NATS connection is not connected; call ConnectAsync first.");
            }
            if (server is not null)
            {
                await server.PingAsync().WaitAsync(ct).ConfigureAwait(false);
                return;
            }
            await connected.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Unsubscribes everything, lets the messages already on their way arrive in the subscriptions'
    /// channels (which then complete, still readable), sends what is queued, and closes.
    /// </summary>
    public async Task DrainAsync(CancellationToken ct = default)
    {
        ServerConnection? server;
        List<ISubscriptionTarget> targets;
        lock (_gate)
        {
            if (_state is NatsConnectionState.Closed or NatsConnectionState.Draining) return;
            server = _state == NatsConnectionState.Connected ? _server : null;
            _state = NatsConnectionState.Draining;
            targets = _subscriptions.Values.Where(t => t != _requests).ToList();
            foreach (var target in targets) server?.EnqueueUnsubscribe(target.Sid, null);
        }
        try
        {
            // The PONG comes after every message the server sent before it processed the UNSUBs.
            if (server is not null) await server.PingAsync().WaitAsync(ct).ConfigureAwait(false);
        }
        catch (NatsConnectionException ex)
        {
            _logger.LogDebug(ex, "The connection was lost while draining");
        }
        finally
        {
            foreach (var target in targets)
            {
                _subscriptions.TryRemove(target.Sid, out _);
                target.Complete(null);
            }
            await CloseAsync(null).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection: subscriptions complete, pending requests fail, queued output gets a short chance to go out.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync(null));

    private async Task CloseAsync(Exception? error)
    {
        ServerConnection? server;
        Task reconnect;
        lock (_gate)
        {
            if (_state == NatsConnectionState.Closed) return;
            _state = NatsConnectionState.Closed;
            server = _server;
            _server = null;
            reconnect = _reconnectTask;
            _connectedSignal.TrySetResult(); // waiters wake up and find the connection closed
            _events.Post(new(NatsConnectionEvent.Closed, NatsConnectionState.Closed, server?.Address.ToString(), error));
        }
        _lifetime.Cancel();
        var completion = error is null ? null : new NatsConnectionException($"The NATS connection closed: {error.Message}", error);
        foreach (var target in _subscriptions.Values) target.Complete(target == _requests ? error : completion);
        _subscriptions.Clear();
        if (server is not null) await server.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        try { await reconnect.ConfigureAwait(false); }
        catch (Exception ex) { _logger.LogDebug(ex, "The reconnect loop ended with an error during close"); }
        _events.Complete();
        _logger.LogDebug("NATS connection closed");
    }

    private void ThrowIfClosed()
    {
        if (_state is NatsConnectionState.Closed or NatsConnectionState.Draining)
            throw new NatsConnectionException("The NATS connection is closed (or draining); create a new one.");
    }

    // ---- events from the current server connection --------------------------------------

    void IServerConnectionOwner.OnMessage(ServerConnection source, string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload)
    {
        if (!_subscriptions.TryGetValue(sid, out var target)) return; // arrived after UNSUB
        if (target.Deliver(new NatsMsg(subject, replyTo, headers, payload, this)))
        {
            _subscriptions.TryRemove(sid, out _);
            target.Complete(null);
        }
    }

    void IServerConnectionOwner.OnInfo(ServerConnection source, NatsServerInfo info)
    {
        IReadOnlyList<ServerAddress> discovered;
        lock (_gate)
        {
            if (source != _server) return;
            _info = info;
            discovered = _pool.AddDiscovered(info.ConnectUrls, source.Address.IsTls);
        }
        if (info.LameDuckMode) _logger.LogWarning("NATS server {Server} entered lame duck mode and will shut down soon", source.Address);
        ReportDiscovered(discovered);
    }

    void IServerConnectionOwner.OnServerError(ServerConnection source, string message)
    {
        _logger.LogWarning("NATS server {Server} reported an error: {Error}", source.Address, message);
        _events.Post(new(NatsConnectionEvent.ServerError, State, source.Address.ToString(), null, message));
    }

    void IServerConnectionOwner.OnFailed(ServerConnection source, Exception error)
    {
        lock (_gate) HandleLostLocked(source, error);
    }

    /// <summary>The current server connection died: start reconnecting (or close when reconnecting is off). Called under the gate.</summary>
    private void HandleLostLocked(ServerConnection source, Exception error)
    {
        if (source != _server) return;
        _server = null;
        if (_state == NatsConnectionState.Draining)
        {
            _ = source.AbortAsync();
            return;
        }
        if (_state != NatsConnectionState.Connected) return;
        _state = NatsConnectionState.Reconnecting;
        _logger.LogWarning("Lost the connection to NATS server {Server}: {Error}", source.Address, error.Message);
        _events.Post(new(NatsConnectionEvent.Disconnected, NatsConnectionState.Reconnecting, source.Address.ToString(), error));
        _reconnectTask = Task.Run(() => ReconnectAsync(source, error));
    }

    private async Task ReconnectAsync(ServerConnection lost, Exception cause)
    {
        await lost.AbortAsync().ConfigureAwait(false);
        if (Options.MaxReconnectAttempts == 0)
        {
            _ = CloseAsync(cause); // not awaited: CloseAsync waits for this very task
            return;
        }
        try
        {
            var server = await ConnectRoundsAsync(Options.MaxReconnectAttempts, initial: false, _lifetime.Token).ConfigureAwait(false);
            try { Activate(server, reconnected: true); }
            catch (ObjectDisposedException) { } // closed meanwhile; Activate released the socket
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested) { }
        catch (Exception ex)
        {
            _logger.LogError("Giving up reconnecting to NATS after {Attempts} round(s): {Error}", Options.MaxReconnectAttempts, ex.Message);
            _ = CloseAsync(ex);
        }
    }
}
