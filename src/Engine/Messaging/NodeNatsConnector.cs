using System.Net;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Nats;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// How a process other than the running node (a <c>-save-snapshot</c> run, a cmdlet) reaches the NATS the node
/// uses: <c>nats.urls</c>, or else the node's embedded server at its fixed <c>nats.bind_address</c>.
/// </summary>
public static class NodeNatsConnector
{
    /// <exception cref="NatsServerUnknownException">The embedded server's port is random, so there is nothing to connect to.</exception>
    public static IReadOnlyList<string> ServerUrls(HarmonyConfig config)
    {
        if (config.Nats.Urls.Count > 0) return config.Nats.Urls;
        var bind = config.Nats.BindAddress;
        if (bind.Port <= 0)
        {
            throw new NatsServerUnknownException(
                $"nats.urls is empty (the node runs its own nats-server) and nats.bind_address ({bind}) lets that server pick a random port, "
                + "so this process cannot find it. Set nats.bind_address to a fixed port (for example 127.0.0.1:4222) and restart the node, "
                + "or set nats.urls to the NATS cluster.");
        }
        // A server listening on every interface is reached through loopback on this machine.
        var host = bind.Host is "" or "0.0.0.0" ? "127.0.0.1" : bind.Host is "::" ? "::1" : bind.Host;
        var isIPv6 = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return [$"nats://{(isIPv6 ? $"[{host}]" : host)}:{bind.Port}"];
    }

    /// <exception cref="NatsServerUnknownException">No server to connect to, or it did not answer; the message says what to do.</exception>
    public static async Task<NatsConnection> ConnectAsync(HarmonyConfig config, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var urls = ServerUrls(config);
        try
        {
            return await NatsConnection.ConnectAsync(NatsOptionsFactory.Create(config, urls, loggerFactory), cancellationToken).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            var embedded = config.Nats.UsesEmbeddedServer ? " With nats.urls empty the server is the node's own: start the node first." : "";
            throw new NatsServerUnknownException($"Could not connect to NATS at {string.Join(", ", urls)}: {ex.Message}.{embedded}", ex);
        }
    }
}
