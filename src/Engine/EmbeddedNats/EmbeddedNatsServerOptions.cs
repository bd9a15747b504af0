using Microsoft.Extensions.Logging;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// How a node runs its embedded nats-server (used when nats.urls is empty): what Go HarmonyLite feeds its
/// embedded server (bind address, -cluster-addr, -cluster-peers, -leaf-servers and nats.server_config), already
/// parsed by the configuration, plus our route secret. <see cref="For"/> builds them from a node's configuration.
/// </summary>
public sealed record EmbeddedNatsServerOptions
{
    /// <summary>The node id; the server is named <c>harmonylite-node-&lt;id&gt;</c>, the id written unsigned as Go's uint64 ids are.</summary>
    public required long NodeId { get; init; }

    /// <summary>The node's data folder (Go HarmonyLite: the folder of db_path). The server's files go to <c>&lt;DataDirectory&gt;/nats/&lt;server name&gt;</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// Where clients connect (nats.bind_address): loopback and any free port unless told otherwise. An empty host
    /// is every interface; port 0 or -1 lets nats-server pick a free one, which is then kept across restarts.
    /// </summary>
    public HostPort ClientListen { get; init; } = new("127.0.0.1", HostPort.AnyPort);

    /// <summary>Routes, cluster peers and leafnode remotes (-cluster-addr, -cluster-peers, -leaf-servers).</summary>
    public ClusterOptions Cluster { get; init; } = new();

    /// <summary>
    /// nats.cluster_secret: when set, routes must authenticate with it (user <see cref="NatsServerConfig.RouteUser"/>),
    /// and this server presents it to its peers; a server without it cannot join.
    /// </summary>
    public string ClusterSecret { get; init; } = "";

    /// <summary>A nats-server config file of the user's (nats.server_config), included last so its settings win.</summary>
    public string? IncludeConfigFile { get; init; }

    /// <summary>The nats-server executable; null searches HARMONYLITE_NATS_SERVER, PATH and the usual install folders.</summary>
    public string? ExecutablePath { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// How long a start (or a restart) may take until JetStream answers. In a cluster that needs a
    /// majority of the peers to be up, so it is generous.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping server gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first restart after an unexpected exit; it doubles with every failed attempt.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The cap of the restart wait.</summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A server that answered and then ran at least this long had a healthy run: when it dies, the restart
    /// wait starts again from <see cref="RestartDelay"/>. One that dies sooner keeps backing off.
    /// </summary>
    public TimeSpan HealthyRunTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The embedded server of the node <paramref name="config"/> describes, in its database's folder.</summary>
    public static EmbeddedNatsServerOptions For(HarmonyConfig config, ILoggerFactory? loggerFactory) => new()
    {
        NodeId = config.NodeId,
        DataDirectory = Path.GetDirectoryName(config.DbPath) ?? Path.GetTempPath(),
        ClientListen = config.Nats.BindAddress,
        Cluster = config.Cluster,
        ClusterSecret = config.Nats.ClusterSecret,
        IncludeConfigFile = config.Nats.ServerConfig.Length == 0 ? null : config.Nats.ServerConfig,
        LoggerFactory = loggerFactory,
    };
}
