using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// One node of a test cluster: a <c>harmonylite -config node.toml</c> child process with its own directory, database
/// and generated configuration, its output captured in <see cref="Log"/>. It can be started, stopped with SIGTERM,
/// killed with SIGKILL (its nats-server child then lingers, as after a real crash) and started again.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly IReadOnlyList<string> _arguments;
    private readonly List<int> _leftBehindServers = new();
    private Process? _process;

    public NodeProcess(int id, string directory, NodeSettings settings, int? routePort, IReadOnlyList<int> peerRoutePorts)
    {
        Id = id;
        Directory = directory;
        Settings = settings;
        RoutePort = routePort;
        Database = new NodeDatabase(System.IO.Path.Combine(directory, $"node-{id}.db"));
        ConfigPath = System.IO.Path.Combine(directory, "node.toml");
        File.WriteAllText(ConfigPath, NodeConfigFile.Render(id, Database.Path, settings));
        var arguments = new List<string> { "-config", ConfigPath };
        if (routePort is int port && settings.NatsUrls.Count == 0)
        {
            arguments.AddRange(["-cluster-addr", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"]);
            if (peerRoutePorts.Count > 0)
                arguments.AddRange(["-cluster-peers", string.Join(",", peerRoutePorts.Select(p => $"nats://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"))]);
        }
        arguments.AddRange(settings.ExtraArguments);
        _arguments = arguments;
    }

    public int Id { get; }
    public string Directory { get; }
    public NodeSettings Settings { get; }
    public NodeDatabase Database { get; }
    public string ConfigPath { get; }
    public NodeLog Log { get; } = new();

    /// <summary>The port the embedded nats-server listens on for routes; null when the node uses external servers.</summary>
    public int? RoutePort { get; }

    /// <summary>The NATS URL the node connected to, from its "replicating" line; null before the first start completed.</summary>
    public string? NatsUrl { get; private set; }

    public bool IsRunning => _process is { } process && !HasEnded(process);

    public int? ProcessId => _process?.Id;

    /// <summary>The exit code of the last run once it exited; null while it runs or before it was started.</summary>
    public int? ExitCode => _process is { } process && HasEnded(process) ? process.ExitCode : null;

    /// <summary>
    /// Whether the process exited, and then its last output lines are in <see cref="Log"/>: the exit event may precede
    /// them (CI: a test read the log of a node that had just stopped and found only its first line).
    /// </summary>
    private static bool HasEnded(Process process)
    {
        if (!process.HasExited) return false;
        process.WaitForExit();
        return true;
    }

    /// <summary>nats-server processes this node's crashes left running (recorded by <see cref="KillAsync"/>).</summary>
    public IReadOnlyList<int> LeftBehindServers => _leftBehindServers;

    /// <summary>Where the node's embedded nats-server records its process id (the node's own left-behind cleanup reads it).</summary>
    public string EmbeddedServerPidFile => System.IO.Path.Combine(Directory, "nats", $"harmonylite-node-{Id.ToString(CultureInfo.InvariantCulture)}", "nats-server.pid");

    /// <summary>Starts the process and returns at once; <see cref="WaitReplicatingAsync"/> waits for it to be ready.</summary>
    public long Launch()
    {
        if (IsRunning) throw new InvalidOperationException($"Node {Id} is already running (pid {_process!.Id}).");
        _process?.Dispose();
        var mark = Log.Mark();
        var process = new Process { StartInfo = HarmonyliteExecutable.StartInfo(Directory, _arguments), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log.Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log.Append(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Log.Append($"==== test harness: node {Id} started as pid {process.Id}");
        return mark;
    }

    /// <summary>Waits until the node started at <paramref name="since"/> logs that it replicates; fails at once if it exits.</summary>
    public async Task WaitReplicatingAsync(long since, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ready = Log.LinesSince(since).Select(l => ReplicatingLine().Match(l)).FirstOrDefault(m => m.Success);
            if (ready is not null)
            {
                NatsUrl = ready.Groups["url"].Value;
                return;
            }
            if (!IsRunning)
                throw new InvalidOperationException($"Node {Id} exited with code {ExitCode} before it was replicating. Its log:\n{Log.Tail(40)}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Node {Id} did not log that it was replicating within {StartTimeout.TotalSeconds} s. Its log:\n{Log.Tail(40)}");
            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default) => await WaitReplicatingAsync(Launch(), cancellationToken);

    /// <summary>
    /// SIGKILL, as a crash: the node gets no chance to stop its nats-server child, which keeps running until the
    /// node's next start finds and stops it. The child's id is recorded so the harness can clean up either way.
    /// </summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"Node {Id} was never started.");
        if (ReadEmbeddedServerPid() is int server) _leftBehindServers.Add(server);
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        Log.Append($"==== test harness: node {Id} killed (SIGKILL)");
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code. A node that does not stop in time is killed and the test fails.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"Node {Id} was never started.");
        if (!process.HasExited) PosixSignal.Terminate(process.Id);
        using var deadline = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"Node {Id} did not stop within {StopTimeout.TotalSeconds} s of SIGTERM and was killed. Its log:\n{Log.Tail(40)}");
        }
        Log.Append($"==== test harness: node {Id} exited with code {process.ExitCode} after SIGTERM");
        return process.ExitCode;
    }

    /// <summary>Whether a process this node started (or left behind) is still alive; checked by its command line so a reused pid does not count.</summary>
    public bool IsOwnProcessAlive(int processId)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains(Directory, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            try { await StopAsync(); }
            catch (TimeoutException) { } // already killed; disposal must go on
        }
        _process?.Dispose();
        _process = null;
        foreach (var server in _leftBehindServers.Where(IsOwnProcessAlive))
        {
            try
            {
                using var orphan = Process.GetProcessById(server);
                orphan.Kill();
                await orphan.WaitForExitAsync();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException) { } // gone meanwhile
        }
    }

    private int? ReadEmbeddedServerPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(EmbeddedServerPidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public override string ToString() => $"node {Id} ({(IsRunning ? $"running, pid {_process!.Id}" : "not running")}, {Database.Path})";

    [GeneratedRegex(@"Node \d+ replicating .* shard stream\(s\) via (?<url>\S+)")]
    private static partial Regex ReplicatingLine();
}
