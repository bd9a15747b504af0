using System.Globalization;
using System.Text;
using HarmonyLite.Engine.Inspection;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>What a sidecar cluster is made of; see <see cref="SidecarCluster"/>.</summary>
public sealed record SidecarClusterOptions
{
    public required SidecarExecutable Executable { get; init; }

    /// <summary>Nodes, with ids 1 to <see cref="Nodes"/>. More than one: their embedded servers route to each other.</summary>
    public int Nodes { get; init; } = 3;

    public SidecarNodeSettings Node { get; init; } = new();

    /// <summary>Makes node N's database at the given path before the nodes start: the application's schema, or a copy of a prepared file.</summary>
    public required Func<int, string, CancellationToken, Task> PrepareDatabase { get; init; }

    /// <summary>Supervise the nodes as systemd would (see <see cref="SidecarNode"/>), restarting after this delay; null: no restarts.</summary>
    public TimeSpan? RestartAfter { get; init; }

    /// <summary>Leave the directory (databases, logs, NATS stores) in place at the end, for reading after the run.</summary>
    public bool KeepFiles { get; init; }

    /// <summary>Start of the temp directory's name.</summary>
    public string Name { get; init; } = "harmonylite-bench-cluster";
}

/// <summary>
/// <c>harmonylite</c> sidecar processes on loopback, each with its own directory, database and embedded nats-server,
/// the servers routed into one cluster on free ports. Waits (ready, quiet, agreed) have deadlines and describe every
/// node when they time out. Disposal stops every sidecar, then any nats-server left running under the cluster's
/// directory (a killed node's), and deletes the directory unless asked to keep it.
/// </summary>
public sealed class SidecarCluster : IAsyncDisposable
{
    private const int PortRaceAttempts = 3;

    private readonly TempDirectory _directory;
    private readonly List<SidecarNode> _nodes = new();

    private SidecarCluster(SidecarClusterOptions options)
    {
        Options = options;
        _directory = new TempDirectory(options.Name);
    }

    public SidecarClusterOptions Options { get; }

    public string Directory => _directory.Path;

    public IReadOnlyList<SidecarNode> Nodes => _nodes;

    public SidecarNode this[int nodeId] => _nodes[nodeId - 1];

    /// <summary>
    /// Makes the nodes and their databases and starts them all at once (a clustered JetStream answers only once a majority
    /// is up), returning when every node replicates. A free port taken by someone else before a server bound it makes the
    /// cluster again on fresh ports.
    /// </summary>
    public static async Task<SidecarCluster> StartAsync(SidecarClusterOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new SidecarCluster(options);
            try
            {
                await cluster.CreateNodesAsync(cancellationToken);
                await StartAllAsync(cluster._nodes, cancellationToken);
                return cluster;
            }
            catch (Exception ex) when (attempt < PortRaceAttempts && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await cluster.DisposeAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Launches every node first, then waits for each.</summary>
    public static async Task StartAllAsync(IReadOnlyList<SidecarNode> nodes, CancellationToken cancellationToken)
    {
        var marks = nodes.Select(n => n.Launch()).ToList();
        await Task.WhenAll(nodes.Select((n, i) => n.WaitReadyAsync(marks[i], cancellationToken)));
    }

    private async Task CreateNodesAsync(CancellationToken cancellationToken)
    {
        var routed = Options.Nodes > 1 && Options.Node.NatsUrls.Count == 0;
        var routePorts = Enumerable.Range(0, Options.Nodes).Select(_ => FreePort.Next()).ToList();
        for (var id = 1; id <= Options.Nodes; id++)
        {
            var arguments = new List<string>();
            if (routed)
            {
                arguments.AddRange(["-cluster-addr", $"127.0.0.1:{routePorts[id - 1].ToString(CultureInfo.InvariantCulture)}"]);
                arguments.AddRange(["-cluster-peers", string.Join(",", routePorts.Where((_, i) => i != id - 1).Select(p => $"nats://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"))]);
            }
            var directory = Path.Combine(Directory, $"node-{id.ToString(CultureInfo.InvariantCulture)}");
            System.IO.Directory.CreateDirectory(directory);
            var node = new SidecarNode(id, directory, Options.Executable, Options.Node, arguments, Options.RestartAfter);
            _nodes.Add(node);
            await Options.PrepareDatabase(id, node.DatabasePath, cancellationToken);
        }
    }

    /// <summary>Waits until each node in <paramref name="marks"/> logs that it replicates after its mark (from <see cref="SidecarNode.KillAsync"/>).</summary>
    public Task WaitReadyAsync(IReadOnlyDictionary<SidecarNode, int> marks, CancellationToken cancellationToken) =>
        Task.WhenAll(marks.Select(m => m.Key.WaitReadyAsync(m.Value, cancellationToken)));

    /// <summary>
    /// Waits until every node's database has the same content (<see cref="DatabaseDigest"/> of the user tables), the same
    /// twice in a row a moment apart, so a replica merely passing through the same state does not count. Returns the digests.
    /// </summary>
    public async Task<IReadOnlyList<DatabaseDigest>> WaitAgreedAsync(string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? previous = null;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                var digests = new List<DatabaseDigest>();
                foreach (var node in _nodes) digests.Add(await DatabaseDigest.ComputeAsync(node.DatabasePath, cancellationToken));
                var agreed = digests.Select(d => d.Sha256).Distinct().Count() == 1 ? digests[0].Sha256 : null;
                if (agreed is not null && agreed == previous) return digests;
                previous = agreed;
                lastError = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lastError = ex;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: the databases did not agree within {timeout.TotalSeconds:N0} s"
                    + (lastError is null ? "" : $" (last error: {lastError.Message})") + $".\n{await DescribeAsync()}");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until the nodes and their nats-servers together use under 5% of a core for <paramref name="idle"/>: work a
    /// start set off (capture's install publishing the rows it found, the other nodes applying them) is over, even where
    /// it writes no file. Returns how long that took.
    /// </summary>
    public async Task<TimeSpan> WaitIdleAsync(TimeSpan idle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var idleSince = DateTime.UtcNow;
        var cpu = Cpu();
        while (DateTime.UtcNow - idleSince < idle)
        {
            if (DateTime.UtcNow - started > timeout)
                throw new TimeoutException($"The nodes were still busy {timeout.TotalSeconds:N0} s after the start.\n{await DescribeAsync()}");
            var before = DateTime.UtcNow;
            await Task.Delay(1000, cancellationToken);
            var now = Cpu();
            if ((now - cpu).TotalSeconds > 0.05 * (DateTime.UtcNow - before).TotalSeconds) idleSince = DateTime.UtcNow;
            cpu = now;
        }
        return idleSince - started;

        TimeSpan Cpu() => _nodes.Aggregate(TimeSpan.Zero, (sum, node) => sum + node.CpuTime());
    }

    /// <summary>Every node for a report: running or not, its exits, its row counts and digest, and the tail of its log.</summary>
    public async Task<string> DescribeAsync(int logLines = 30)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            text.Append("  ").Append(node).Append(", log ").AppendLine(node.Output.Path);
            try
            {
                var digest = await DatabaseDigest.ComputeAsync(node.DatabasePath);
                text.Append("    rows: ").Append(string.Join(", ", digest.RowCounts.Select(c => $"{c.Key}={c.Value}"))).Append("; digest ").AppendLine(digest.Sha256[..16]);
            }
            catch (Exception ex)
            {
                text.Append("    (database unreadable: ").Append(ex.Message).AppendLine(")");
            }
            foreach (var exit in node.UnexpectedExits)
                text.Append("    exited by itself at ").Append(exit.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(" with code ").Append(exit.ExitCode).AppendLine();
            text.AppendLine("    log tail:").AppendLine(node.Output.Tail(logLines, l => !NodeOutput.IsNatsServerLine(l)));
            text.AppendLine("    nats-server lines:").AppendLine(node.Output.Tail(5, NodeOutput.IsNatsServerLine));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        foreach (var server in ProcFs.Find("nats-server", Directory + Path.DirectorySeparatorChar))
            ProcFs.Kill(server);
        if (!Options.KeepFiles) _directory.Dispose();
    }
}
