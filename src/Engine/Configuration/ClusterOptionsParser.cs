using System.Web;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Reads <c>-cluster-addr</c>, <c>-cluster-peers</c> and <c>-leaf-servers</c> the way Go HarmonyLite does, once, into
/// typed values the embedded server uses as they are. A <c>dns://name:port</c> peer stands for every address the
/// name resolves to (Go's peer discovery; the embedded server looks it up at every start).
/// </summary>
internal static class ClusterOptionsParser
{
    public const string Origin = "command line";

    private static readonly string[] PeerSchemes = ["nats", "nats-route", "tls", "dns"];
    private static readonly string[] LeafSchemes = ["nats", "tls", "ws", "wss"];

    public static ClusterOptions Parse(ConfigurationOverrides overrides)
    {
        HostPort? listen = null;
        if (!string.IsNullOrWhiteSpace(overrides.ClusterAddress))
        {
            listen = HostPort.TryParse(overrides.ClusterAddress.Trim(), out var problem)
                ?? throw new ConfigurationException(Origin, null, "-cluster-addr", $"\"{overrides.ClusterAddress}\": {problem}");
        }
        var peers = Urls(overrides.ClusterPeers, "-cluster-peers", PeerSchemes);
        var leaves = Urls(overrides.LeafServers, "-leaf-servers", LeafSchemes)
            .Select(url => new LeafServer(url, string.Equals(HttpUtility.ParseQueryString(url.Query)["hub"], "true", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new ClusterOptions { ListenAddress = listen, Peers = peers, LeafServers = leaves };
    }

    /// <summary>What only makes sense together, for a node that runs its own server (with nats.urls set they are unused).</summary>
    public static void Validate(HarmonyConfig config)
    {
        if (!config.Nats.UsesEmbeddedServer)
        {
            return;
        }
        var cluster = config.Cluster;
        if (cluster.ListenAddress is not null && cluster.Peers.Count == 0)
        {
            throw new ConfigurationException(Origin, null, "-cluster-addr",
                "is set without -cluster-peers, but a JetStream cluster cannot run on one server: nats-server waits for a route " +
                "to a peer before JetStream answers. List the route addresses of the other nodes in -cluster-peers (they may " +
                "start after this one: each node waits up to a minute for a majority), or leave -cluster-addr out to run a single node");
        }
        if (cluster.ListenAddress is null && cluster.Peers.Count > 0)
        {
            throw new ConfigurationException(Origin, null, "-cluster-peers",
                "is set without -cluster-addr: the embedded nats-server routes to its peers only when it listens for routes " +
                "itself. Add -cluster-addr HOST:PORT, the address the other nodes list in their -cluster-peers");
        }
    }

    /// <summary>A comma-separated list of URLs, as nats-server's RoutesFromStr reads it.</summary>
    private static List<Uri> Urls(string? list, string flag, string[] schemes)
    {
        var urls = new List<Uri>();
        if (string.IsNullOrWhiteSpace(list))
        {
            return urls;
        }
        foreach (var text in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var shown = $"\"{SecretRedaction.Url(text)}\"";
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0)
            {
                throw new ConfigurationException(Origin, null, flag, $"{shown} is not a URL; expected {schemes[0]}://host:port");
            }
            if (!schemes.Contains(url.Scheme))
            {
                throw new ConfigurationException(Origin, null, flag,
                    $"{shown}: expected a URL with one of the schemes {string.Join(", ", schemes.Select(s => s + "://"))}");
            }
            if (url.IsDefaultPort || url.Port <= 0)
            {
                throw new ConfigurationException(Origin, null, flag, $"{shown} has no port; write {url.Scheme}://{url.Host}:PORT");
            }
            urls.Add(url);
        }
        return urls;
    }
}
