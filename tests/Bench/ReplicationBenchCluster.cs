using System.Globalization;
using System.Text;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench;

/// <summary>
/// HarmonyLite nodes running inside the bench process (<see cref="HarmonyNode"/> instances), each with its own temp
/// directory, database and embedded nats-server child process, the servers routed into one cluster on loopback.
/// Settings are the defaults except what a bench needs: explicit ids, loopback ports, snapshots off, and streams
/// long enough to keep every message of a run.
/// </summary>
public sealed class ReplicationBenchCluster : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("harmonylite-bench-replication");
    private readonly List<HarmonyNode> _nodes = new();
    private readonly List<string> _databases = new();

    private ReplicationBenchCluster()
    {
    }

    /// <summary>The database of node <paramref name="nodeId"/> (ids start at 1).</summary>
    public string Database(int nodeId) => _databases[nodeId - 1];

    /// <summary>Creates <paramref name="nodes"/> databases with <paramref name="schema"/> and starts a node on each, all at once.</summary>
    public static async Task<ReplicationBenchCluster> StartAsync(int nodes, string schema, CancellationToken cancellationToken)
    {
        var cluster = new ReplicationBenchCluster();
        try
        {
            var routePorts = Enumerable.Range(0, nodes).Select(_ => FreePort.Next()).ToList();
            var configs = new List<HarmonyConfig>();
            for (var id = 1; id <= nodes; id++)
            {
                var directory = Path.Combine(cluster._directory.Path, $"node-{id}");
                Directory.CreateDirectory(directory);
                var database = Path.Combine(directory, $"node-{id}.db");
                await BenchDatabase.CreateAsync(database, schema, cancellationToken);
                cluster._databases.Add(database);
                var overrides = nodes == 1 ? null : new ConfigurationOverrides
                {
                    ClusterAddress = $"127.0.0.1:{routePorts[id - 1].ToString(CultureInfo.InvariantCulture)}",
                    ClusterPeers = string.Join(",", routePorts.Where((_, i) => i != id - 1).Select(p => $"nats://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}")),
                };
                configs.Add(ConfigurationLoader.Parse(Encoding.UTF8.GetBytes(Toml(id, database)), $"bench node {id}", overrides).Config);
            }
            // Together: a clustered JetStream answers only once a majority of its servers is up.
            var started = await Task.WhenAll(configs.Select(c => HarmonyNode.StartAsync(c, null, cancellationToken)));
            cluster._nodes.AddRange(started);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static string Toml(int id, string database) => $"""
        db_path = "{database}"
        node_id = {id.ToString(CultureInfo.InvariantCulture)}
        seq_map_path = ""

        [replication_log]
        max_entries = 10000000

        [snapshot]
        enabled = false

        [nats]
        bind_address = "127.0.0.1:-1"
        """;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        _directory.Dispose();
    }
}
