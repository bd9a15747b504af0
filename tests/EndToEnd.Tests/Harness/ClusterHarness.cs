using System.Text;
using HarmonyLite.TestSupport;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// N real HarmonyLite nodes on loopback, each a <c>harmonylite</c> child process with its own temp directory,
/// database (schema written by the sqlite3 shell) and embedded nats-server, the servers routed into one cluster.
/// Waits describe every node (row counts, digest, log tail) when they time out. Disposal stops every process,
/// including nats-servers left behind by killed nodes, and deletes the directories, also when a test failed.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    public static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory = new("harmonylite-e2e");
    private readonly List<NodeProcess> _nodes = new();
    private readonly List<int> _routePorts = new();

    private ClusterHarness(ClusterSettings settings) => Settings = settings;

    public ClusterSettings Settings { get; }

    /// <summary>Every node created so far, in id order (ids start at 1).</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public NodeProcess this[int nodeId] => _nodes[nodeId - 1];

    public IEnumerable<NodeProcess> Running => _nodes.Where(n => n.IsRunning);

    /// <summary>Attempts at starting a cluster whose free ports were taken by someone else before its servers bound them.</summary>
    private const int PortRaceAttempts = 3;

    /// <summary>
    /// Creates the configured nodes with their schema and starts them all at once (a clustered JetStream needs a majority
    /// up to answer). A port found free can be taken by another process before a server binds it: the cluster is then
    /// made again on fresh ports.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var cluster = await CreateAsync(settings, cancellationToken);
            try
            {
                await StartAllAsync(cluster._nodes, cancellationToken);
                return cluster;
            }
            catch (InvalidOperationException ex) when (attempt < PortRaceAttempts && ex.Message.Contains("address already in use", StringComparison.Ordinal))
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

    /// <summary>Creates the configured nodes with their schema without starting them, for tests that start them in their own way.</summary>
    public static async Task<ClusterHarness> CreateAsync(ClusterSettings settings, CancellationToken cancellationToken = default)
    {
        var cluster = new ClusterHarness(settings);
        try
        {
            var routePorts = Enumerable.Range(0, settings.Nodes).Select(_ => FreePort.Next()).ToList();
            for (var id = 1; id <= settings.Nodes; id++)
            {
                var peers = routePorts.Where((_, i) => i != id - 1).ToList();
                await cluster.CreateNodeAsync(settings.SettingsOf(id), settings.Schema, settings.Routed ? routePorts[id - 1] : null, settings.Routed ? peers : [], cancellationToken);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Adds a node that joins the running cluster: its embedded server routes to every existing node (the others learn
    /// of it from the routes). Its database gets <paramref name="schema"/>; it is not started.
    /// </summary>
    public async Task<NodeProcess> AddNodeAsync(NodeSettings settings, string schema, CancellationToken cancellationToken = default) =>
        await CreateNodeAsync(settings, schema, Settings.Routed ? FreePort.Next() : null, Settings.Routed ? _routePorts.ToList() : [], cancellationToken);

    private async Task<NodeProcess> CreateNodeAsync(NodeSettings settings, string schema, int? routePort, IReadOnlyList<int> peers, CancellationToken cancellationToken)
    {
        var id = _nodes.Count + 1;
        var directory = Path.Combine(_directory.Path, $"node-{id}");
        Directory.CreateDirectory(directory);
        var node = new NodeProcess(id, directory, settings, routePort, peers);
        _nodes.Add(node);
        if (routePort is int port) _routePorts.Add(port);
        // The database is created by the sqlite3 shell, as an application would have created it.
        await SqliteShell.RunAsync(node.Database.Path, schema.Length == 0 ? "PRAGMA user_version = 0;" : schema, cancellationToken);
        return node;
    }

    /// <summary>Launches every node first, then waits for each: starting them one by one would wait for a JetStream quorum that is not up yet.</summary>
    public static async Task StartAllAsync(IReadOnlyList<NodeProcess> nodes, CancellationToken cancellationToken = default)
    {
        var marks = nodes.Select(n => n.Launch()).ToList();
        await Task.WhenAll(nodes.Select((n, i) => n.WaitReplicatingAsync(marks[i], cancellationToken)));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; on timeout the failure describes every node.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Eventually.WaitUntilAsync(condition, what, timeout ?? ReplicationTimeout, () => DescribeAsync(), TimeSpan.FromMilliseconds(50));

    /// <summary>Waits until <paramref name="table"/> holds <paramref name="count"/> rows matching <paramref name="where"/> on each of <paramref name="nodes"/> (all running nodes when empty).</summary>
    public Task WaitForCountAsync(string table, long count, string where = "1", params NodeProcess[] nodes)
    {
        var targets = nodes.Length > 0 ? nodes : Running.ToArray();
        return WaitUntilAsync(async () =>
        {
            foreach (var node in targets)
                if (await node.Database.CountAsync(table, where) != count) return false;
            return true;
        }, $"{count} rows of {table} where {where} on nodes {string.Join(", ", targets.Select(n => n.Id))}");
    }

    /// <summary>
    /// Waits until every node in <paramref name="nodes"/> (all running nodes when empty) has the same
    /// <see cref="Engine.Inspection.DatabaseDigest"/>, and the same one twice in a row a moment apart (so a
    /// replica that merely passes through the same state does not count).
    /// </summary>
    public async Task WaitConvergedAsync(string what, params NodeProcess[] nodes)
    {
        var targets = nodes.Length > 0 ? nodes : Running.ToArray();
        string? previous = null;
        await WaitUntilAsync(async () =>
        {
            var digests = new List<string>();
            foreach (var node in targets) digests.Add((await node.Database.DigestAsync()).Sha256);
            var agreed = digests.Distinct().Count() == 1 ? digests[0] : null;
            var stable = agreed is not null && agreed == previous;
            previous = agreed;
            return stable;
        }, $"{what}: identical databases on nodes {string.Join(", ", targets.Select(n => n.Id))}");
    }

    /// <summary>
    /// Every node's state for a failure message: running or not, row counts per table, digest, and the tail of its log;
    /// then the counts and digests of all nodes again, last, where a report cut to its end still shows them.
    /// </summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        var summary = new StringBuilder().AppendLine().AppendLine("  every node:");
        foreach (var node in _nodes)
        {
            text.AppendLine().Append("  ").Append(node).AppendLine();
            string state;
            try
            {
                var digest = await node.Database.DigestAsync();
                state = $"rows: {string.Join(", ", digest.RowCounts.Select(c => $"{c.Key}={c.Value}"))}; digest {digest.Sha256[..16]}";
            }
            catch (Exception ex)
            {
                state = $"(database unreadable: {ex.Message})";
            }
            text.Append("    ").AppendLine(state);
            summary.Append("    node ").Append(node.Id).Append(node.IsRunning ? " running" : " stopped").Append(": ").AppendLine(state);
            // The embedded nats-server's own lines (a route retried every second) would crowd out the node's.
            text.AppendLine("    log tail:").AppendLine(node.Log.Tail(30, l => !IsNatsServerLine(l)));
            text.AppendLine("    nats-server log tail:").AppendLine(node.Log.Tail(5, IsNatsServerLine));
        }
        return text.Append(summary).ToString();
    }

    private static bool IsNatsServerLine(string line) => line.Contains(" natsserveroutput: ", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        // In parallel: each stop may take seconds, and there is nothing to order.
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        _directory.Dispose();
    }
}
