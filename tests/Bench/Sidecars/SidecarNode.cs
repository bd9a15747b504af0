using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>
/// One <c>harmonylite -config node.toml</c> process with its own directory, database and embedded nats-server. It can
/// be stopped (SIGTERM), killed (SIGKILL, as a crash), and its nats-server child found (process tree, then the pid
/// file) and killed. With <see cref="RestartAfter"/> set it is supervised the way systemd supervises a sidecar unit
/// with <c>Restart=always</c>, <c>RestartSec</c> and the default <c>KillMode=control-group</c>: whenever the process
/// exits without being stopped, what it left running (its nats-server) is stopped too and it is started again after
/// the delay. Every exit is recorded, with the tail of the log, so a node that stopped by itself is evidence.
/// </summary>
public sealed partial class SidecarNode : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    /// <summary>How long a left-behind nats-server gets after SIGTERM before SIGKILL (systemd's TimeoutStopSec, shortened).</summary>
    private static readonly TimeSpan LeftoverStopTimeout = TimeSpan.FromSeconds(10);

    private const string NatsServerName = "nats-server";

    private readonly SidecarExecutable _executable;
    private readonly IReadOnlyList<string> _arguments;
    private readonly object _gate = new();
    private readonly List<NodeExit> _exits = new();
    private readonly CancellationTokenSource _disposing = new();
    private Process? _process;
    private Task _watcher = Task.CompletedTask;
    private bool _exitRequested;
    private bool _stopRequested;

    public SidecarNode(int id, string directory, SidecarExecutable executable, SidecarNodeSettings settings, IReadOnlyList<string> clusterArguments,
        TimeSpan? restartAfter)
    {
        Id = id;
        Directory = directory;
        _executable = executable;
        RestartAfter = restartAfter;
        DatabasePath = System.IO.Path.Combine(directory, $"node-{Id.ToString(CultureInfo.InvariantCulture)}.db");
        ConfigPath = System.IO.Path.Combine(directory, "node.toml");
        File.WriteAllText(ConfigPath, settings.Render(id, DatabasePath));
        _arguments = ["-config", ConfigPath, .. clusterArguments];
        // Beside the directory, not in it: the delay observer watches the database's directory for changes.
        Output = new NodeOutput(directory + ".log");
    }

    public int Id { get; }
    public string Directory { get; }
    public string DatabasePath { get; }
    public string ConfigPath { get; }
    public NodeOutput Output { get; }

    /// <summary>Restart delay of the supervisor (systemd's RestartSec); null: an exit is recorded and the node stays down.</summary>
    public TimeSpan? RestartAfter { get; }

    public bool IsRunning
    {
        get { lock (_gate) return _process is { HasExited: false }; }
    }

    public int? ProcessId
    {
        get { lock (_gate) return _process is { HasExited: false } p ? p.Id : null; }
    }

    /// <summary>How often the process was started, restarts included.</summary>
    public int Starts { get; private set; }

    public IReadOnlyList<NodeExit> Exits
    {
        get { lock (_exits) return _exits.ToList(); }
    }

    /// <summary>Exits nobody asked for: the node stopped by itself (a crash or a fatal error it logged).</summary>
    public IReadOnlyList<NodeExit> UnexpectedExits => Exits.Where(e => !e.Requested).ToList();

    /// <summary>Starts the process and returns a log mark at once; <see cref="WaitReadyAsync"/> waits until it replicates.</summary>
    public int Launch()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false }) throw new InvalidOperationException($"Node {Id} is already running (pid {_process.Id}).");
            _process?.Dispose();
            var mark = Output.Mark();
            var process = new Process { StartInfo = _executable.StartInfo(Directory, _arguments) };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Append(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Append(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            _stopRequested = false;
            _exitRequested = false;
            Starts++;
            Output.Append($"==== harness: node {Id} started as pid {process.Id}");
            _watcher = WatchAsync(process);
            return mark;
        }
    }

    /// <summary>
    /// Waits until the node logs, after <paramref name="since"/>, that it replicates. An exit fails the wait at once unless
    /// the supervisor will start the node again.
    /// </summary>
    public async Task WaitReadyAsync(int since, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? StartTimeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Output.LinesSince(since).Any(l => !NodeOutput.IsNatsServerLine(l) && ReadyLine().IsMatch(l))) return;
            if (RestartAfter is null && !IsRunning && Starts > 0)
            {
                await _watcher;
                throw new InvalidOperationException($"Node {Id} exited before it was replicating. Its log:\n{Output.Tail(40)}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Node {Id} did not log that it was replicating within {(timeout ?? StartTimeout).TotalSeconds:N0} s. Its log:\n{Output.Tail(40)}");
            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken) => await WaitReadyAsync(Launch(), cancellationToken);

    /// <summary>SIGKILL of the sidecar, as a crash; returns a log mark for waiting until the supervisor has it replicating again.</summary>
    public async Task<int> KillAsync()
    {
        Process process;
        int mark;
        lock (_gate)
        {
            process = _process is { HasExited: false } p ? p : throw new InvalidOperationException($"Node {Id} is not running.");
            _exitRequested = true;
            mark = Output.Mark();
        }
        Output.Append($"==== harness: SIGKILL to node {Id} (pid {process.Id})");
        ProcFs.Kill(process.Id);
        await process.WaitForExitAsync();
        return mark;
    }

    /// <summary>SIGTERM, then waits for the exit and returns its code; a node that does not stop in time is killed and reported.</summary>
    public async Task<int> StopAsync()
    {
        Process? process;
        lock (_gate)
        {
            _stopRequested = true;
            _exitRequested = true;
            process = _process is { HasExited: false } p ? p : null;
        }
        if (process is null)
        {
            await _watcher;
            return _process?.ExitCode ?? 0;
        }
        ProcFs.Terminate(process.Id);
        using var deadline = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            ProcFs.Kill(process.Id);
            await process.WaitForExitAsync();
            throw new TimeoutException($"Node {Id} did not stop within {StopTimeout.TotalSeconds:N0} s of SIGTERM and was killed. Its log:\n{Output.Tail(40)}");
        }
        await _watcher;
        return process.ExitCode;
    }

    /// <summary>
    /// The node's nats-server child: found in the process tree (a child of the sidecar named nats-server), else by the
    /// pid file under the node's directory (which is all that is left of it once the sidecar itself died).
    /// </summary>
    public int? NatsServerId()
    {
        if (ProcessId is int node && ProcFs.Children(node, NatsServerName) is [var child, ..]) return child;
        foreach (var pidFile in System.IO.Directory.EnumerateFiles(Directory, NatsServerName + ".pid", SearchOption.AllDirectories))
        {
            if (int.TryParse(ReadOrEmpty(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcFs.IsAlive(pid) && (ProcFs.CommandLine(pid)?.Contains(Directory, StringComparison.Ordinal) ?? false))
                return pid;
        }
        return null;
    }

    /// <summary>SIGKILL of the node's nats-server child, which the node is expected to notice and start again by itself.</summary>
    public async Task<int> KillNatsServerAsync(CancellationToken cancellationToken)
    {
        var server = NatsServerId() ?? throw new InvalidOperationException($"Node {Id} has no nats-server child (neither in its process tree nor by pid file). Its log:\n{Output.Tail(20)}");
        Output.Append($"==== harness: SIGKILL to node {Id}'s nats-server (pid {server})");
        ProcFs.Kill(server);
        await WaitGoneAsync(server, TimeSpan.FromSeconds(10), cancellationToken);
        return server;
    }

    /// <summary>Resident memory of the sidecar and of its nats-server child now; null parts are processes not running.</summary>
    public NodeMemory Memory()
    {
        var node = ProcessId is int id ? ProcFs.ResidentBytes(id) : null;
        var server = NatsServerId() is int child ? ProcFs.ResidentBytes(child) : null;
        return new NodeMemory(Id, node, server);
    }

    /// <summary>CPU time used so far by the sidecar and its nats-server child (parts not running count zero).</summary>
    public TimeSpan CpuTime() =>
        (ProcessId is int id ? ProcFs.CpuTime(id) ?? TimeSpan.Zero : TimeSpan.Zero)
        + (NatsServerId() is int child ? ProcFs.CpuTime(child) ?? TimeSpan.Zero : TimeSpan.Zero);

    private async Task WatchAsync(Process process)
    {
        await process.WaitForExitAsync();
        bool requested, restart;
        lock (_gate)
        {
            requested = _exitRequested;
            _exitRequested = false;
            restart = RestartAfter is not null && !_stopRequested && !_disposing.IsCancellationRequested;
        }
        Output.Append($"==== harness: node {Id} (pid {process.Id}) exited with code {process.ExitCode}{(requested ? "" : ", by itself")}");
        lock (_exits) _exits.Add(new NodeExit(DateTimeOffset.UtcNow, process.ExitCode, requested, Output.Tail(30, l => !NodeOutput.IsNatsServerLine(l))));
        if (RestartAfter is not TimeSpan delay) return;
        await StopLeftoverServersAsync();
        if (!restart) return;
        try { await Task.Delay(delay, _disposing.Token); }
        catch (OperationCanceledException) { return; }
        lock (_gate)
        {
            if (_stopRequested) return;
        }
        Output.Append($"==== harness: restarting node {Id} (Restart=always, RestartSec={delay.TotalSeconds:0.#})");
        Launch();
    }

    /// <summary>What systemd's control-group kill does after the main process exits: SIGTERM to the rest, SIGKILL after a while.</summary>
    private async Task StopLeftoverServersAsync()
    {
        foreach (var server in ProcFs.Find(NatsServerName, Directory + System.IO.Path.DirectorySeparatorChar))
        {
            Output.Append($"==== harness: stopping nats-server pid {server} left behind by node {Id} (KillMode=control-group)");
            ProcFs.Terminate(server);
            try
            {
                await WaitGoneAsync(server, LeftoverStopTimeout, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                ProcFs.Kill(server);
                await WaitGoneAsync(server, LeftoverStopTimeout, CancellationToken.None);
            }
        }
    }

    private static async Task WaitGoneAsync(int processId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ProcFs.IsAlive(processId))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Process {processId} was still alive {timeout.TotalSeconds:N0} s after a signal.");
            await Task.Delay(20, cancellationToken);
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (TimeoutException) { } // killed already; disposal goes on
        await _disposing.CancelAsync();
        await _watcher;
        lock (_gate) _process?.Dispose();
        _disposing.Dispose();
        Output.Dispose();
    }

    public override string ToString() => $"node {Id} ({(ProcessId is int pid ? $"running, pid {pid}" : "not running")}, {Starts} start(s))";

    // "Node 1 replicating /path/node-1.db over 1 shard stream(s) via nats://127.0.0.1:4222"
    [GeneratedRegex(@"Node \d+ replicating ")]
    private static partial Regex ReadyLine();
}

/// <summary>One exit of a sidecar process: when, its code, whether the harness asked for it, and the log just before.</summary>
public sealed record NodeExit(DateTimeOffset At, int ExitCode, bool Requested, string LogTail);

/// <summary>Resident memory of one node's sidecar process and of its nats-server child, in bytes (null: not running).</summary>
public sealed record NodeMemory(int NodeId, long? NodeBytes, long? NatsServerBytes)
{
    public long TotalBytes => (NodeBytes ?? 0) + (NatsServerBytes ?? 0);
}
