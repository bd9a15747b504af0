using Microsoft.Extensions.Logging;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// How a node runs its embedded nats-server (used when nats.urls is empty). Field by field this is
/// what Go HarmonyLite feeds its embedded server: bind address, -cluster-addr, -cluster-peers,
/// -leaf-servers and nats.server_config.
/// </summary>
public sealed record EmbeddedNatsServerOptions
{
    /// <summary>The node id; the server is named <c>harmonylite-node-&lt;id&gt;</c>, the id written unsigned as Go's uint64 ids are.</summary>
    public required long NodeId { get; init; }

    /// <summary>The node's data folder (Go HarmonyLite: the folder of db_path). The server's files go to <c>&lt;DataDirectory&gt;/nats/&lt;server name&gt;</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Interface clients connect on; 0.0.0.0 (or empty) for all. Loopback unless told otherwise.</summary>
    public string ClientHost { get; init; } = "127.0.0.1";

    /// <summary>Client port; 0 or -1 lets nats-server pick a free one. The port in use is kept across restarts.</summary>
    public int ClientPort { get; init; }

    /// <summary>Where to listen for cluster routes, <c>host:port</c> (-cluster-addr). Null: not clustered.</summary>
    public string? ClusterAddress { get; init; }

    /// <summary>Route URLs of the other nodes (-cluster-peers): <c>nats://host:port</c>, or <c>dns://name:port</c> for every address of a name.</summary>
    public IReadOnlyList<string> ClusterPeers { get; init; } = [];

    /// <summary>Leafnode remotes to connect to (-leaf-servers); <c>?hub=true</c> on a URL makes that remote a hub.</summary>
    public IReadOnlyList<string> LeafServers { get; init; } = [];

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
    /// A copy with <see cref="ClientHost"/> and <see cref="ClientPort"/> taken from a Go-style bind
    /// address (nats.bind_address): <c>:-1</c> (Go's default: all interfaces, any free port),
    /// <c>:4222</c>, <c>127.0.0.1:4222</c>, <c>[::1]:4222</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Not host:port.</exception>
    public EmbeddedNatsServerOptions WithBindAddress(string bindAddress)
    {
        var parsed = HostPort.Parse(bindAddress, "nats.bind_address");
        return this with { ClientHost = parsed.Host, ClientPort = parsed.Port };
    }
}
