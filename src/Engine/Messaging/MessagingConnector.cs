using System.Net;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// Turns a node's <c>[nats]</c> configuration into a connection: the servers of <c>nats.urls</c> (nats://, tls://,
/// ws://, wss://, credentials in the URL), user/password, an nkey seed, TLS files; <c>nats.connect_retries</c> more
/// attempts <c>nats.reconnect_wait_seconds</c> apart; reconnecting forever once connected.
/// </summary>
public static class MessagingConnector
{
    /// <summary>The node's name on the NATS side (client name, embedded server name), as Go HarmonyLite names it.</summary>
    public static string NodeName(long nodeId) => $"harmonylite-node-{unchecked((ulong)nodeId)}";

    /// <summary>
    /// Connects to <paramref name="urls"/> (the configured <c>nats.urls</c>, or the embedded server's client URL) with
    /// the configured credentials and TLS files.
    /// </summary>
    /// <exception cref="MessagingSettingsException">A setting cannot be used (a file missing, a seed malformed).</exception>
    /// <exception cref="MessagingAuthenticationException">The server refused the credentials or the TLS handshake.</exception>
    /// <exception cref="MessagingUnavailableException">No server answered, after the configured retries.</exception>
    public static async Task<MessagingConnection> ConnectAsync(HarmonyConfig config, IReadOnlyList<string> urls, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = NatsClientOptions.Create(config, urls, loggerFactory);
        var logger = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("HarmonyLite.Messaging");
        var retries = Math.Max(0, config.Nats.ConnectRetries);
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = MessagingConnection.Create(options, logger);
            try
            {
                await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch (NatsException ex)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                var (error, perServer) = await ConnectFailure.DiagnoseAsync(ex, options, cancellationToken).ConfigureAwait(false);
                foreach (var (server, reason) in perServer)
                    logger.LogDebug("Connecting to NATS server {Server} failed: {Error}", server, reason);
                if (error is not MessagingUnavailableException || attempt >= retries) throw error;
                logger.LogInformation("Connecting to NATS failed (attempt {Attempt} of {Attempts}); trying again in {Wait}", attempt + 1, retries + 1, config.Nats.ReconnectWait);
                await Task.Delay(config.Nats.ReconnectWait, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Where a process other than the running node (a <c>-save-snapshot</c> run, a cmdlet) reaches the NATS the node
    /// uses: <c>nats.urls</c>, or else the node's embedded server at its fixed <c>nats.bind_address</c>.
    /// </summary>
    /// <exception cref="MessagingUnavailableException">The embedded server's port is random, so there is nothing to connect to.</exception>
    public static IReadOnlyList<string> NodeServerUrls(HarmonyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Nats.Urls.Count > 0) return config.Nats.Urls;
        var bind = config.Nats.BindAddress;
        if (bind.Port <= 0)
        {
            throw new MessagingUnavailableException(
                $"nats.urls is empty (the node runs its own nats-server) and nats.bind_address ({bind}) lets that server pick a random port, "
                + "so this process cannot find it. Set nats.bind_address to a fixed port (for example 127.0.0.1:4222) and restart the node, "
                + "or set nats.urls to the NATS cluster.");
        }
        // A server listening on every interface is reached through loopback on this machine.
        var host = bind.Host is "" or "0.0.0.0" ? "127.0.0.1" : bind.Host is "::" ? "::1" : bind.Host;
        var isIPv6 = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return [$"nats://{(isIPv6 ? $"[{host}]" : host)}:{bind.Port}"];
    }

    /// <summary>Connects a process other than the node to the node's NATS (<see cref="NodeServerUrls"/>).</summary>
    /// <exception cref="MessagingException">No server to connect to, it refused, or it did not answer; the message says what to do.</exception>
    public static async Task<MessagingConnection> ConnectToNodeAsync(HarmonyConfig config, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        var urls = NodeServerUrls(config);
        try
        {
            return await ConnectAsync(config, urls, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (MessagingUnavailableException ex) when (config.Nats.UsesEmbeddedServer)
        {
            throw new MessagingUnavailableException($"{ex.Message} With nats.urls empty the server is the node's own: start the node first.", ex);
        }
    }
}
