using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>
/// Routes listen on the network, so with nats.cluster_secret set they authenticate: a server without the secret,
/// or with another one, cannot join the cluster (and so could not publish changes into its streams).
/// </summary>
public sealed class EmbeddedNatsRouteAuthenticationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Secret = "the cluster's secret";
    private readonly List<TempDirectory> _directories = [];
    private readonly List<EmbeddedNatsServer> _servers = [];
    private readonly TestLoggerFactory _loggers = new(output);
    private readonly HostPort[] _routes = [new("127.0.0.1", FreePort.Next()), new("127.0.0.1", FreePort.Next())];

    public async Task InitializeAsync()
    {
        _servers.Add(Server(1, _routes[0], [_routes[1]], Secret));
        _servers.Add(Server(2, _routes[1], [_routes[0]], Secret));
        await Task.WhenAll(_servers.Select(s => s.StartAsync()));
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        foreach (var directory in _directories) directory.Dispose();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a guessed secret")]
    public async Task A_server_without_the_cluster_secret_cannot_join(string intruderSecret)
    {
        await Eventually.WaitUntilAsync(async () => await RoutesOf(_servers[0]) == 1, "the two members to route to each other");
        var intruder = Server(3, new HostPort("127.0.0.1", FreePort.Next()), _routes, intruderSecret, TimeSpan.FromSeconds(20));

        var starting = intruder.StartAsync();
        // The members turn its routes away...
        await Eventually.WaitUntilAsync(
            () => Output("harmonylite-node-1").Any(line => line.Contains("Authentication Failure"))
                  && Output("harmonylite-node-2").Any(line => line.Contains("Authentication Failure")),
            "both members to refuse the intruder's route",
            timeout: TimeSpan.FromSeconds(20),
            describe: () => string.Join('\n', Output("harmonylite-node-1").TakeLast(10)));

        // ...so they still route only to each other, and without a route the intruder's JetStream never answers.
        Assert.Equal(1, await RoutesOf(_servers[0]));
        Assert.Equal(1, await RoutesOf(_servers[1]));
        var failure = await Assert.ThrowsAsync<EmbeddedNatsServerStartException>(() => starting);
        Assert.Contains("Routes connected: 0", failure.Message);
        Assert.Contains("nats.cluster_secret", failure.Message);
        Assert.Contains(Output("harmonylite-node-3"), line => line.Contains("Authorization Violation"));
        await intruder.DisposeAsync();
    }

    [Fact]
    public async Task The_secret_is_not_in_any_log_line_or_message_about_the_peers()
    {
        await Eventually.WaitUntilAsync(async () => await RoutesOf(_servers[1]) == 1, "the two members to route to each other");

        Assert.DoesNotContain(_loggers.Entries, e => e.Message.Contains(Secret) || Uri.EscapeDataString(Secret) is var escaped && e.Message.Contains(escaped));
    }

    private EmbeddedNatsServer Server(int id, HostPort listen, IEnumerable<HostPort> peers, string secret, TimeSpan? startTimeout = null)
    {
        var directory = new TempDirectory($"route-auth-{id}");
        _directories.Add(directory);
        var server = new EmbeddedNatsServer(new EmbeddedNatsServerOptions
        {
            NodeId = id,
            DataDirectory = directory.Path,
            Cluster = new ClusterOptions { ListenAddress = listen, Peers = peers.Select(p => new Uri($"nats://{p}")).ToList() },
            ClusterSecret = secret,
            LoggerFactory = _loggers,
            StartTimeout = startTimeout ?? TimeSpan.FromSeconds(90),
        });
        return server;
    }

    private IEnumerable<string> Output(string serverName) =>
        _loggers.Entries.Where(e => e.Category.EndsWith("NatsServerOutput") && e.Message.Contains($"nats-server {serverName} ")).Select(e => e.Message);

    private static async Task<int> RoutesOf(EmbeddedNatsServer server) =>
        (await NatsClientProbe.GetJsonAsync(server.MonitorUrl, "/routez")).GetProperty("num_routes").GetInt32();
}
