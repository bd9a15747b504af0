using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// A node's own nats-server, run as a supervised child process with a generated configuration:
/// started and waited for until JetStream answers, restarted with backoff when it dies, stopped
/// cleanly on <see cref="StopAsync"/> or dispose. A child left running by a crashed previous run of
/// the same node is stopped before a new one starts.
/// </summary>
public sealed class EmbeddedNatsServer : IAsyncDisposable
{
    /// <summary>The prefix of every embedded server's name; the node id follows.</summary>
    public const string ServerNamePrefix = "harmonylite-node-";

    /// <summary>The cluster name Go HarmonyLite gives its embedded servers, so Go and .NET nodes can route to each other.</summary>
    public const string ClusterName = "e-harmonylite";

    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly EmbeddedNatsServerOptions _options;
    private readonly ILogger _logger;
    private readonly ILogger _serverOutputLogger;
    private readonly EmbeddedNatsPaths _paths;
    private readonly NatsServerPidFile _pidFile;
    private readonly NatsServerExecutableLocator _locator;
    private readonly NatsMonitorClient _monitor = new();
    private readonly HostPort _clientListen;
    private readonly HostPort? _clusterListen;
    private readonly IReadOnlyList<Uri> _clusterPeers;
    private readonly IReadOnlyList<LeafServer> _leafServers;
    private readonly string? _includeFile;
    private readonly string? _includePath;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);

    // Set while started (guarded by _lifecycle); the supervisor replaces _child and keeps _endpoints.
    private DirectoryOwnerLock? _ownerLock;
    private string? _executable;
    private CancellationTokenSource? _supervision;
    private Task? _supervisorTask;
    private volatile NatsServerChildProcess? _child;
    private volatile NatsServerEndpoints? _endpoints;
    private bool _disposed;

    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public EmbeddedNatsServer(EmbeddedNatsServerOptions options)
        : this(options, new NatsServerExecutableLocator())
    {
    }

    internal EmbeddedNatsServer(EmbeddedNatsServerOptions options, NatsServerExecutableLocator locator)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            throw new ArgumentException("The embedded NATS server needs a data directory (DataDirectory is empty).", nameof(options));
        if (options.ClientListen.Port is < HostPort.AnyPort or > 65535)
            throw new ArgumentException($"The client port {options.ClientListen.Port} (nats.bind_address) is not a port: 0 to 65535, or -1 for any free port.", nameof(options));
        RequirePositive(options.StartTimeout, nameof(options.StartTimeout));
        RequirePositive(options.StopTimeout, nameof(options.StopTimeout));
        RequirePositive(options.RestartDelay, nameof(options.RestartDelay));
        RequirePositive(options.HealthyRunTime, nameof(options.HealthyRunTime));
        if (options.MaxRestartDelay < options.RestartDelay)
            throw new ArgumentException($"MaxRestartDelay ({options.MaxRestartDelay}) is shorter than RestartDelay ({options.RestartDelay}).", nameof(options));

        _options = options;
        _locator = locator;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<EmbeddedNatsServer>();
        _serverOutputLogger = loggerFactory.CreateLogger("HarmonyLite.Engine.EmbeddedNats.NatsServerOutput");

        ServerName = ServerNamePrefix + unchecked((ulong)options.NodeId).ToString(CultureInfo.InvariantCulture);
        _paths = EmbeddedNatsPaths.For(options.DataDirectory, ServerName);
        _pidFile = new NatsServerPidFile(_paths.PidFile, _paths.ConfigFile);
        _clientListen = options.ClientListen.ForListening();
        _clusterListen = options.Cluster.ListenAddress?.ForListening();
        _clusterPeers = options.Cluster.Peers;
        _leafServers = options.Cluster.LeafServers;
        if (!string.IsNullOrWhiteSpace(options.IncludeConfigFile))
        {
            _includeFile = Path.GetFullPath(options.IncludeConfigFile);
            _includePath = RelativeIncludePath(_paths.ServerDirectory, _includeFile);
        }
    }

    /// <summary>
    /// Raised on the supervisor's thread when the server exits without being asked to; a restart
    /// follows. Handlers must not block on <see cref="StopAsync"/> (await it instead): the supervisor
    /// waits for them.
    /// </summary>
    public event EventHandler<EmbeddedNatsServerExitedEventArgs>? Exited;

    /// <summary>Raised on the supervisor's thread when a restarted server answers again.</summary>
    public event EventHandler<EmbeddedNatsServerRestartedEventArgs>? Restarted;

    /// <summary><c>harmonylite-node-&lt;id&gt;</c>.</summary>
    public string ServerName { get; }

    /// <summary>The generated nats-server configuration, rewritten at every start.</summary>
    public string ConfigFile => _paths.ConfigFile;

    /// <summary>The JetStream store_dir (nats-server keeps its data in a <c>jetstream</c> folder inside).</summary>
    public string StoreDirectory => _paths.StoreDirectory;

    /// <summary>Holds the running child's process id; left behind only by a crash.</summary>
    public string PidFile => _paths.PidFile;

    /// <summary><c>nats://host:port</c> for clients on this machine; the same across supervised restarts.</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public string ClientUrl => $"nats://{(_endpoints ?? throw NotStarted()).Client.Authority}";

    /// <summary><c>http://127.0.0.1:port</c>, the monitoring endpoint (/healthz, /varz, /routez, /jsz).</summary>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public string MonitorUrl => $"http://{(_endpoints ?? throw NotStarted()).Monitor.Authority}";

    /// <summary>The running child's process id; null when stopped or between a crash and its restart.</summary>
    public int? ProcessId => _child is { HasExited: false } child ? child.ProcessId : null;

    /// <summary>
    /// Starts nats-server and returns once JetStream answers. Stops a server left behind by a crashed
    /// previous run of this node first.
    /// </summary>
    /// <exception cref="NatsServerNotFoundException">nats-server is not installed (the message says how to install it).</exception>
    /// <exception cref="EmbeddedNatsServerStartException">It exited, timed out, or the directory belongs to another running node.</exception>
    /// <exception cref="FileNotFoundException">The included server_config file does not exist.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_supervision is not null) throw new InvalidOperationException($"The embedded nats-server {ServerName} is already started.");
            _executable = _locator.Locate(_options.ExecutablePath);
            if (_clusterPeers.Count > 0 && _clusterListen is null)
                _logger.LogWarning("-cluster-peers is set but -cluster-addr is not: nats-server only routes when it listens for routes itself, so {ServerName} will not join the cluster. Set -cluster-addr.", ServerName);
            if (!_clientListen.IsLoopback)
                _logger.LogWarning("The embedded nats-server {ServerName} listens for clients on {Address} (nats.bind_address): anyone who can reach it can publish changes, unless nats.server_config sets authorization. Bind it to 127.0.0.1 when the node is its only client.", ServerName, _clientListen);

            Directory.CreateDirectory(_paths.ServerDirectory);
            var ownerLock = DirectoryOwnerLock.Acquire(_paths.OwnerLockFile, $"The embedded NATS directory {_paths.ServerDirectory}");
            try
            {
                await _pidFile.StopLeftBehindServerAsync(_options.StopTimeout, _logger, cancellationToken).ConfigureAwait(false);
                var (child, endpoints) = await LaunchAsync(pinTo: null, cancellationToken).ConfigureAwait(false);
                _ownerLock = ownerLock;
                _child = child;
                _endpoints = endpoints;
                _supervision = new CancellationTokenSource();
                var stopping = _supervision.Token;
                _supervisorTask = Task.Run(() => SuperviseAsync(child, stopping), CancellationToken.None);
                _logger.LogInformation("Embedded nats-server {ServerName} (pid {ProcessId}) is ready: clients {ClientUrl}, monitoring {MonitorUrl}, store {StoreDirectory}.",
                    ServerName, child.ProcessId, ClientUrl, MonitorUrl, StoreDirectory);
            }
            catch
            {
                ownerLock.Dispose();
                throw;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops supervision and the server (SIGTERM, then a kill after <see cref="EmbeddedNatsServerOptions.StopTimeout"/>)
    /// and removes the pid file. Cancellation cuts the grace period short and kills at once. Does nothing when not started.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // Stopping is never skipped: only the grace period is subject to cancellation.
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_supervision is null) return;
            // The child is null when it died and the supervisor had not brought it back yet.
            var child = await EndSupervisionAsync().ConfigureAwait(false);
            if (child is not null)
            {
                // A process that outlives even the kill is reported by DisposeAsync.
                if (await child.StopAsync(_options.StopTimeout, cancellationToken).ConfigureAwait(false))
                    _logger.LogInformation("Embedded nats-server {ServerName} (pid {ProcessId}) stopped.", ServerName, child.ProcessId);
                await child.DisposeAsync().ConfigureAwait(false);
            }
            _pidFile.Delete();
            NatsPortsFile.DeleteAll(_paths.PortsFileDirectory);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        await StopAsync().ConfigureAwait(false);
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        _disposed = true;
        _lifecycle.Release();
        _monitor.Dispose();
    }

    /// <summary>
    /// For tests: behave as if this node's process died. Supervision ends and the directory lock is
    /// released, but the child keeps running and the pid file stays, as after a crash. The caller
    /// owns the returned child.
    /// </summary>
    internal async Task<NatsServerChildProcess> AbandonChildAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            return await EndSupervisionAsync().ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The embedded nats-server {ServerName} has no running child to abandon.");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the supervisor and releases the directory; returns the child, still running. Caller holds _lifecycle.</summary>
    private async Task<NatsServerChildProcess?> EndSupervisionAsync()
    {
        if (_supervision is null) return null;
        await _supervision.CancelAsync().ConfigureAwait(false);
        try
        {
            await _supervisorTask!.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The supervisor of nats-server {ServerName} failed.", ServerName);
        }
        var child = _child;
        _child = null;
        _endpoints = null;
        _supervision.Dispose();
        _supervision = null;
        _supervisorTask = null;
        _ownerLock?.Dispose();
        _ownerLock = null;
        return child;
    }

    private async Task SuperviseAsync(NatsServerChildProcess child, CancellationToken stopping)
    {
        var delay = _options.RestartDelay;
        var readyAt = DateTimeOffset.UtcNow;
        while (true)
        {
            int exitCode;
            try
            {
                exitCode = await child.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var noticedAt = DateTimeOffset.UtcNow;
            var recentOutput = child.RecentOutput;
            _logger.LogError("nats-server {ServerName} (pid {ProcessId}) exited unexpectedly with code {ExitCode}; restarting it. Its last output:\n{Output}",
                ServerName, child.ProcessId, exitCode, recentOutput);
            _child = null;
            await child.DisposeAsync().ConfigureAwait(false);
            // A server that ran well before failing starts the backoff afresh; a flapping one keeps backing off.
            if (noticedAt - readyAt >= _options.HealthyRunTime) delay = _options.RestartDelay;
            Raise(Exited, new EmbeddedNatsServerExitedEventArgs(child.ProcessId, exitCode, recentOutput));

            var backOff = TimeSpan.Zero;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                    backOff += delay;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRestartDelay.Ticks));
                try
                {
                    var (next, endpoints) = await LaunchAsync(_endpoints, stopping).ConfigureAwait(false);
                    _child = next;
                    _endpoints = endpoints;
                    child = next;
                    readyAt = DateTimeOffset.UtcNow;
                    var downtime = DateTimeOffset.UtcNow - noticedAt;
                    _logger.LogWarning("nats-server {ServerName} restarted (pid {ProcessId}) after {Attempts} attempt(s) and {Downtime:0.0} s.",
                        ServerName, next.ProcessId, attempt, downtime.TotalSeconds);
                    Raise(Restarted, new EmbeddedNatsServerRestartedEventArgs(next.ProcessId, attempt, downtime, backOff, ClientUrl));
                    break;
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Restart attempt {Attempt} of nats-server {ServerName} failed; trying again in {Delay:0.0} s.", attempt, ServerName, delay.TotalSeconds);
                }
            }
        }
    }

    /// <summary>
    /// Writes the config, starts a child, and waits until JetStream answers, within StartTimeout.
    /// On any failure the child is stopped again.
    /// </summary>
    /// <param name="pinTo">Ports to keep (a restart); null uses the configured ones.</param>
    private async Task<(NatsServerChildProcess Child, NatsServerEndpoints Endpoints)> LaunchAsync(NatsServerEndpoints? pinTo, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartTimeout);
        NatsServerChildProcess? child = null;
        NatsServerEndpoints? endpoints = null;
        var seen = "the configuration was not written yet";
        try
        {
            var config = await BuildConfigAsync(pinTo, deadline.Token).ConfigureAwait(false);
            await WriteConfigFileAsync(config.Render(), deadline.Token).ConfigureAwait(false);
            NatsPortsFile.DeleteAll(_paths.PortsFileDirectory);
            child = NatsServerChildProcess.Start(_executable!, _paths.ConfigFile, _paths.ServerDirectory, _serverOutputLogger, ServerName);
            await _pidFile.WriteAsync(child.ProcessId, deadline.Token).ConfigureAwait(false);
            seen = "nats-server has not reported its listening ports yet";
            while (true)
            {
                if (child.HasExited)
                    throw new EmbeddedNatsServerStartException(
                        $"nats-server {ServerName} exited with code {child.ExitCode} while starting (config {_paths.ConfigFile}).", child.RecentOutput);
                endpoints ??= await NatsPortsFile.TryReadAsync(_paths.PortsFileDirectory, child.ProcessId, deadline.Token).ConfigureAwait(false);
                if (endpoints is not null)
                {
                    (var healthy, seen) = await _monitor.CheckHealthAsync(endpoints.Monitor, deadline.Token).ConfigureAwait(false);
                    if (healthy) return (child, endpoints);
                }
                await Task.Delay(ReadinessPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (child is null) seen = ex.Message; // still resolving peer names: the message names the one that did not resolve
            var message = await DescribeTimeoutAsync(seen, endpoints).ConfigureAwait(false);
            await DiscardAsync(child).ConfigureAwait(false);
            throw new EmbeddedNatsServerStartException(message, child?.RecentOutput, ex);
        }
        catch
        {
            await DiscardAsync(child).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<string> DescribeTimeoutAsync(string seen, NatsServerEndpoints? endpoints)
    {
        var message = $"nats-server {ServerName} did not become ready within {_options.StartTimeout.TotalSeconds:0.#} s: {seen}.";
        if (_clusterListen is null && _clusterPeers.Count == 0)
            return message + " See its output below.";
        var routes = "unknown";
        if (endpoints is not null)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                routes = (await _monitor.CountRoutesAsync(endpoints.Monitor, quick.Token).ConfigureAwait(false))?.ToString(CultureInfo.InvariantCulture) ?? routes;
            }
            catch (OperationCanceledException)
            {
                // The count is a hint; the message stands without it.
            }
        }
        return message +
            $" Routes connected: {routes} (-cluster-peers: {string.Join(", ", _clusterPeers.Select(SecretRedaction.Url))})." +
            " JetStream in a cluster needs a majority of its servers running and routed: start the other nodes," +
            $" check that they can reach this one at {_clusterListen?.ToString() ?? "(no -cluster-addr set)"} and it can reach them," +
            " and that all of them have the same nats.cluster_secret (routes with another secret, or none, are refused).";
    }

    private async Task DiscardAsync(NatsServerChildProcess? child)
    {
        if (child is null) return;
        await child.StopAsync(_options.StopTimeout, CancellationToken.None).ConfigureAwait(false);
        await child.DisposeAsync().ConfigureAwait(false);
        _pidFile.Delete();
    }

    private async Task<NatsServerConfig> BuildConfigAsync(NatsServerEndpoints? pinTo, CancellationToken cancellationToken)
    {
        if (_includeFile is not null && !File.Exists(_includeFile))
            throw new FileNotFoundException($"The nats-server config file to include (nats.server_config) does not exist: {_includeFile}.", _includeFile);

        var client = pinTo is null ? _clientListen : _clientListen with { Port = pinTo.Client.Port };
        var monitor = new HostPort("127.0.0.1", pinTo?.Monitor.Port ?? HostPort.AnyPort);
        NatsClusterSettings? cluster = null;
        if (_clusterListen is not null || _clusterPeers.Count > 0)
        {
            var routes = await NatsPeerUrls.ResolveAsync(_clusterPeers, _logger, cancellationToken).ConfigureAwait(false);
            var secret = _options.ClusterSecret.Length == 0 ? null : _options.ClusterSecret;
            cluster = new NatsClusterSettings(
                ClusterName,
                _clusterListen,
                routes.Select(r => secret is null ? r.Url : NatsPeerUrls.WithCredentials(r.Url, NatsServerConfig.RouteUser, secret)).ToList(),
                secret);
        }
        var leaves = new List<NatsLeafRemote>();
        foreach (var leaf in _leafServers)
        {
            foreach (var (url, _) in await NatsPeerUrls.ResolveAsync([leaf.Url], _logger, cancellationToken).ConfigureAwait(false))
                leaves.Add(new NatsLeafRemote(url, leaf.Hub));
        }
        return new NatsServerConfig(
            ServerName,
            client,
            monitor,
            _paths.PortsFileDirectory,
            _paths.StoreDirectory,
            cluster,
            leaves,
            _includePath);
    }

    private async Task WriteConfigFileAsync(string text, CancellationToken cancellationToken)
    {
        var temporary = _paths.ConfigFile + ".tmp";
        // It may hold the cluster secret: readable by the node's user only.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.Delete(temporary); // the mode applies to a file being created
        await using (var file = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, _paths.ConfigFile, overwrite: true);
    }

    /// <summary>nats-server joins an include path onto the including file's folder, even an absolute one, so it must be relative.</summary>
    private static string RelativeIncludePath(string configDirectory, string includeFile)
    {
        var relative = Path.GetRelativePath(configDirectory, includeFile);
        if (Path.IsPathRooted(relative))
            throw new ArgumentException(
                $"The nats-server config file to include ({includeFile}) is on another drive than the data directory ({configDirectory}); " +
                "nats-server can only include it by a relative path. Move it to the data directory's drive.", nameof(includeFile));
        return relative;
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is null) return;
        foreach (var subscriber in handler.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                subscriber(this, args);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A {Event} handler of nats-server {ServerName} threw; supervision goes on.", typeof(T).Name, ServerName);
            }
        }
    }

    private InvalidOperationException NotStarted() =>
        new($"The embedded nats-server {ServerName} is not running; call StartAsync first.");

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive (it is {value}).", name);
    }
}
