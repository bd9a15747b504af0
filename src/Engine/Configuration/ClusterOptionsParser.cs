using System.Web;

namespace HarmonyLite.Engine.Configuration;

/// <summary>Reads <c>-cluster-addr</c>, <c>-cluster-peers</c> and <c>-leaf-servers</c> the way Go HarmonyLite does.</summary>
internal static class ClusterOptionsParser
{
    public const string Origin = "command line";

    public static ClusterOptions Parse(ConfigurationOverrides overrides)
    {
        HostPort? listen = null;
        if (!string.IsNullOrWhiteSpace(overrides.ClusterAddress))
        {
            listen = HostPort.TryParse(overrides.ClusterAddress.Trim(), out var problem)
                ?? throw new ConfigurationException(Origin, null, "-cluster-addr", $"\"{overrides.ClusterAddress}\": {problem}");
        }
        var peers = Urls(overrides.ClusterPeers, "-cluster-peers", ["nats", "nats-route", "tls"]);
        var leaves = Urls(overrides.LeafServers, "-leaf-servers", ["nats", "tls", "ws", "wss"])
            .Select(url => new LeafServer(url, string.Equals(HttpUtility.ParseQueryString(url.Query)["hub"], "true", StringComparison.Ordinal)))
            .ToList();
        return new ClusterOptions { ListenAddress = listen, Peers = peers, LeafServers = leaves };
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
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0)
            {
                throw new ConfigurationException(Origin, null, flag, $"\"{text}\" is not a URL; expected {schemes[0]}://host:port");
            }
            if (url.Scheme == "dns")
            {
                throw ConfigurationException.Unsupported(Origin, null, flag, $"\"{text}\"",
                    "dns:// peer discovery is not available; list each server as nats://host:port");
            }
            if (!schemes.Contains(url.Scheme))
            {
                throw new ConfigurationException(Origin, null, flag, $"\"{text}\": expected a URL with one of the schemes {string.Join(", ", schemes.Select(s => s + "://"))}");
            }
            if (url.IsDefaultPort || url.Port <= 0)
            {
                throw new ConfigurationException(Origin, null, flag, $"\"{text}\" has no port; write {url.Scheme}://{url.Host}:PORT");
            }
            urls.Add(url);
        }
        return urls;
    }
}
