using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// A node's connection to NATS (made by <see cref="MessagingConnector"/>): it reconnects by itself, to any server of
/// the cluster, and logs disconnects, reconnects and lame-duck notices. Everything the engine does on NATS goes
/// through what it opens: the <see cref="ReplicationLog"/>, <see cref="KeyValueBucket"/>s and <see cref="ObjectBucket"/>s.
/// </summary>
public sealed class MessagingConnection : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly NatsClientOptions _options;
    private readonly ILogger _logger;
    private volatile string? _server;
    private int _opened;

    private MessagingConnection(NatsClientOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _nats = new NatsConnection(options.Options);
        JetStream = new NatsJSContext(_nats);
        _nats.OnConnectingAsync = target =>
        {
            _server = Describe(target.Host, target.Port);
            return ValueTask.FromResult(target);
        };
        _nats.ConnectionOpened += OnOpenedAsync;
        _nats.ConnectionDisconnected += OnDisconnectedAsync;
        _nats.LameDuckModeActivated += OnLameDuckAsync;
        _nats.ServerError += OnServerErrorAsync;
        _nats.MessageDropped += OnMessageDroppedAsync;
    }

    /// <summary>The server connected to now (or last), without credentials.</summary>
    public string ServerUrl => _server ?? _options.Servers[0].Url;

    /// <summary>Connected now; false while the client waits to reconnect (the server is gone, or unreachable).</summary>
    public bool IsConnected => _nats.ConnectionState == NatsConnectionState.Open;

    /// <summary>The version of the server connected to, as it announced it.</summary>
    public string? ServerVersion => _nats.ServerInfo?.Version;

    /// <summary>The largest message the connected server takes (its <c>max_payload</c>), once it said.</summary>
    public long? MaxPayload => _nats.ServerInfo is { } info ? info.MaxPayload : null;

    /// <summary>How long a request (a JetStream API call, a publish ack) waits for its answer.</summary>
    public TimeSpan RequestTimeout => _options.Options.RequestTimeout;

    /// <summary>Messages published and received, and failed operations by kind, since the connection opened.</summary>
    public MessagingStatistics Statistics { get; } = new();

    internal NatsJSContext JetStream { get; }

    internal NatsConnection Nats => _nats;

    internal static MessagingConnection Create(NatsClientOptions options, ILogger logger) => new(options, logger);

    internal async Task ConnectAsync(CancellationToken cancellationToken) =>
        await _nats.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The replication log on this connection: the shard streams of <paramref name="topology"/>, set up as <paramref name="log"/> says.</summary>
    public ReplicationLog OpenReplicationLog(ReplicationTopology topology, ReplicationLogConfig log, ILogger logger) => new(this, topology, log, logger);

    /// <summary>Creates the bucket when missing (with fewer copies and a warning when the cluster cannot hold them) and opens it.</summary>
    public Task<KeyValueBucket> OpenKeyValueBucketAsync(KeyValueBucketSettings settings, ILogger logger, CancellationToken cancellationToken) =>
        KeyValueBucket.OpenAsync(this, settings, logger, cancellationToken);

    /// <summary>Creates the bucket when missing (with fewer copies and a warning when the server is not clustered) and opens it.</summary>
    public Task<ObjectBucket> OpenObjectBucketAsync(ObjectBucketSettings settings, ILogger logger, CancellationToken cancellationToken) =>
        ObjectBucket.OpenAsync(this, settings, logger, cancellationToken);

    /// <summary>A failure of <paramref name="what"/>, in engine words, counted in <see cref="Statistics"/>.</summary>
    internal MessagingException Failure(Exception exception, string what) => Statistics.Failed(NatsErrors.Translate(exception, what, ServerUrl));

    // The configured URL of the server being connected to; a server the cluster announced is named by host and port.
    private string Describe(string host, int port)
    {
        var configured = _options.Servers.FirstOrDefault(s => new Uri(s.Url) is var uri && uri.IdnHost.Trim('[', ']') == host.Trim('[', ']') && uri.Port == port);
        return configured?.Url ?? $"nats://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        _nats.ConnectionOpened -= OnOpenedAsync;
        _nats.ConnectionDisconnected -= OnDisconnectedAsync;
        _nats.LameDuckModeActivated -= OnLameDuckAsync;
        _nats.ServerError -= OnServerErrorAsync;
        _nats.MessageDropped -= OnMessageDroppedAsync;
        try
        {
            await _nats.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("Closing the NATS connection: {Error}", ex.Message);
        }
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs args)
    {
        if (Interlocked.Increment(ref _opened) == 1)
            _logger.LogInformation("Connected to NATS server {Server} (version {Version})", ServerUrl, ServerVersion);
        else
            _logger.LogWarning("Reconnected to NATS server {Server}", ServerUrl);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        _logger.LogWarning("Disconnected from NATS server {Server}; reconnecting (every {Wait}, to any server of the cluster)", ServerUrl, _options.Options.ReconnectWaitMin);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnLameDuckAsync(object? sender, NatsLameDuckModeActivatedEventArgs args)
    {
        _logger.LogWarning("NATS server {Server} is shutting down (lame duck mode); the connection moves to another server when it closes", ServerUrl);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnServerErrorAsync(object? sender, NatsServerErrorEventArgs args)
    {
        _logger.LogWarning("NATS server {Server} reported an error: {Error}", ServerUrl, args.Error);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnMessageDroppedAsync(object? sender, NatsMessageDroppedEventArgs args)
    {
        _logger.LogWarning("A message on {Subject} was dropped: its reader fell {Pending} messages behind (it is redelivered if it was a replication message)", args.Subject, args.Pending);
        return ValueTask.CompletedTask;
    }
}
