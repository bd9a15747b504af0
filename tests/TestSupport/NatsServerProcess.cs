using System.Diagnostics;
using System.Net.Http;
using System.Text;

namespace HarmonyLite.TestSupport;

/// <summary>
/// A real nats-server child process on loopback, with JetStream stored in a temp directory.
/// Started by tests and fixtures; killed and cleaned up on dispose.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly bool _ownsStore;
    private Process? _process;
    private readonly StringBuilder _log = new();

    private NatsServerProcess(NatsServerOptions options, TempDirectory dir, int port, int monitorPort)
    {
        Options = options;
        _dir = dir;
        Port = port;
        MonitorPort = monitorPort;
        _ownsStore = options.StoreDirectory is null;
        StoreDirectory = options.StoreDirectory ?? dir.File("jetstream");
        ConfigFile = dir.File("server.conf");
    }

    public NatsServerOptions Options { get; }
    public int Port { get; }
    public int MonitorPort { get; }
    public string Url => $"nats://127.0.0.1:{Port}";
    public string StoreDirectory { get; }
    public string ConfigFile { get; }
    public bool IsRunning => _process is { HasExited: false };
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Starts a server and waits until it answers its health check (JetStream included).</summary>
    public static async Task<NatsServerProcess> StartAsync(NatsServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NatsServerOptions();
        for (var attempt = 1; ; attempt++)
        {
            var dir = new TempDirectory("nats-server");
            var server = new NatsServerProcess(options, dir, options.Port == 0 ? FreePort.Next() : options.Port, FreePort.Next());
            try
            {
                await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception) when (attempt < 3 && options.Port == 0 && !cancellationToken.IsCancellationRequested)
            {
                await server.DisposeAsync().ConfigureAwait(false); // port taken between probe and bind: try other ports
            }
        }
    }

    /// <summary>Starts the same server again (same ports, same store) after <see cref="KillAsync"/> or <see cref="StopAsync"/>.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => StartProcessAsync(cancellationToken);

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var exe = FindNatsServer();
        Directory.CreateDirectory(StoreDirectory);
        await File.WriteAllTextAsync(ConfigFile, BuildConfig(), cancellationToken).ConfigureAwait(false);
        var psi = new ProcessStartInfo(exe, new[] { "-c", ConfigFile })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitHealthyAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { if (_log.Length < 1_000_000) _log.AppendLine(line); }
    }

    private string BuildConfig()
    {
        var o = Options;
        var sb = new StringBuilder();
        sb.AppendLine($"server_name: \"{o.ServerName}\"");
        sb.AppendLine($"listen: \"127.0.0.1:{Port}\"");
        sb.AppendLine($"http: \"127.0.0.1:{MonitorPort}\"");
        if (o.JetStream)
            sb.AppendLine($"jetstream {{ store_dir: \"{StoreDirectory}\", max_memory_store: 268435456, max_file_store: 8589934592 }}");
        if (o.ClusterPort is int cp)
        {
            sb.AppendLine("cluster {");
            sb.AppendLine($"  name: \"{o.ClusterName ?? "test-cluster"}\"");
            sb.AppendLine($"  listen: \"127.0.0.1:{cp}\"");
            if (o.Routes.Count > 0)
                sb.AppendLine($"  routes: [{string.Join(", ", o.Routes.Select(r => $"\"nats-route://127.0.0.1:{r}\""))}]");
            sb.AppendLine("}");
        }
        if (o.ExtraConfig is not null) sb.AppendLine(o.ExtraConfig);
        return sb.ToString();
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var url = $"http://127.0.0.1:{MonitorPort}/healthz";
        string last = "no answer";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"nats-server exited during start (code {_process?.ExitCode}). Log:\n{Log}");
            try
            {
                using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { last = "health check timed out"; }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        throw new TimeoutException($"nats-server on port {Port} not healthy after 30 s (last: {last}). Log:\n{Log}");
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        var p = _process;
        if (p is null) return;
        _process = null;
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException) { }
        finally { p.Dispose(); }
    }

    /// <summary>Stops the process gracefully (SIGTERM), falling back to a kill after a few seconds.</summary>
    public async Task StopAsync()
    {
        var p = _process;
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                using var term = Process.Start(new ProcessStartInfo("kill", new[] { "-TERM", p.Id.ToString() }) { UseShellExecute = false });
                if (term is not null) await term.WaitForExitAsync().ConfigureAwait(false);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await p.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
        }
        catch (Exception) { }
        await KillAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        if (!_ownsStore) { try { File.Delete(ConfigFile); } catch (IOException) { } }
        _dir.Dispose();
    }

    /// <summary>The nats-server executable: $NATS_SERVER_BIN, else PATH (including /usr/sbin where Debian installs it).</summary>
    public static string FindNatsServer()
    {
        var env = Environment.GetEnvironmentVariable("NATS_SERVER_BIN");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Concat(new[] { "/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin" });
        foreach (var dir in paths)
        {
            if (string.IsNullOrEmpty(dir)) continue;
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "nats-server.exe" : "nats-server");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("nats-server was not found on PATH. Run ./build.sh setup (Debian/Ubuntu: apt-get install nats-server).");
    }
}
