using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>
/// Three embedded servers given cluster addresses, each other as peers and one cluster secret form one JetStream
/// cluster over authenticated routes.
/// </summary>
public sealed class EmbeddedNatsClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 3;
    private readonly List<TempDirectory> _dataDirectories = [];
    private readonly List<EmbeddedNatsServer> _servers = [];
    private readonly TestLoggerFactory _loggers = new(output);

    public async Task InitializeAsync()
    {
        var clusterAddresses = Enumerable.Range(0, Size).Select(_ => new HostPort("127.0.0.1", FreePort.Next())).ToArray();
        for (var i = 0; i < Size; i++)
        {
            var dataDirectory = new TempDirectory($"embedded-nats-cluster-{i + 1}");
            _dataDirectories.Add(dataDirectory);
            _servers.Add(new EmbeddedNatsServer(new EmbeddedNatsServerOptions
            {
                NodeId = i + 1,
                DataDirectory = dataDirectory.Path,
                Cluster = new ClusterOptions
                {
                    ListenAddress = clusterAddresses[i],
                    Peers = clusterAddresses.Where((_, j) => j != i).Select(a => new Uri($"nats://{a}")).ToArray(),
                },
                ClusterSecret = "shared route secret",
                LoggerFactory = _loggers,
                StartTimeout = TimeSpan.FromSeconds(90),
            }));
        }
        // Each start waits for a JetStream quorum, so they must run together.
        await Task.WhenAll(_servers.Select(s => s.StartAsync()));
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        foreach (var directory in _dataDirectories) directory.Dispose();
    }

    [Fact]
    public async Task Every_server_routes_to_the_two_others_and_JetStream_answers_on_all()
    {
        foreach (var server in _servers)
        {
            await Eventually.WaitUntilAsync(
                async () => (await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/routez")).GetProperty("num_routes").GetInt32() == Size - 1,
                $"{server.ServerName} to have {Size - 1} routes",
                describe: async () => (await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/routez")).ToString());
            Assert.True(await NatsClientProbe.IsHealthyAsync(server.MonitorUrl), $"{server.ServerName}: /healthz (JetStream included)");
            var info = await NatsClientProbe.ReadInfoAsync(server.ClientUrl);
            Assert.Contains("\"jetstream\":true", info);
            Assert.Contains($"\"server_name\":\"{server.ServerName}\"", info);
            Assert.Contains($"\"cluster\":\"{EmbeddedNatsServer.ClusterName}\"", info);
        }

        var jsz = await NatsClientProbe.GetJsonAsync(_servers[0].MonitorUrl, "/jsz");
        var meta = jsz.GetProperty("meta_cluster");
        Assert.Equal(EmbeddedNatsServer.ClusterName, meta.GetProperty("name").GetString());
        Assert.Equal(Size, meta.GetProperty("cluster_size").GetInt32());
        Assert.StartsWith(EmbeddedNatsServer.ServerNamePrefix, meta.GetProperty("leader").GetString());
        Assert.Contains("authorization {", await File.ReadAllTextAsync(_servers[0].ConfigFile));
    }
}
