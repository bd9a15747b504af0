using System.Net.Sockets;
using System.Security.Authentication;
using NATS.Client.Core;

namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// Says why a first connect failed, in config words: which server, which key and file, what to check. NATS.Net reports
/// an unreachable server list as one line without a cause, so for that case each server's TCP port is probed once.
/// </summary>
internal static class ConnectFailure
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <returns>The error to report, and for every server the reason its connection failed (for the per-attempt log line).</returns>
    public static async Task<(MessagingException Error, IReadOnlyList<(NatsServerUrl Server, string Reason)> PerServer)> DiagnoseAsync(
        NatsException failure, NatsClientOptions options, CancellationToken cancellationToken)
    {
        var chain = Chain(failure).ToList();
        var server = ServerOf(failure, options);
        var where = options.ConfiguredUrls ? $"{server} (nats.urls)" : $"the embedded nats-server at {server}";
        var nats = options.Options;

        if (chain.OfType<NatsServerException>().FirstOrDefault(e => e.IsAuthError) is { } refused)
        {
            var check = options.Credentials == "no credentials"
                ? "It requires credentials and none were given: set nats.user_name and nats.user_password, a token or user:password in nats.urls, or nats.seed_file."
                : $"Check {options.Credentials}{(options.SeedPublicKey is { } key ? $" (the server's authorization must list the nkey {key})" : "")}.";
            return One(new MessagingAuthenticationException(server.Url, $"The NATS server {where} refused the client's credentials ({NatsErrors.ServerSaid(refused)}). {check}", failure), server, NatsErrors.ServerSaid(refused));
        }
        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } untrusted)
        {
            var check = nats.TlsOpts.CaFile is { } ca
                ? $"Check nats.ca_file {ca}: it must hold the CA certificate that signed the server's certificate, and the server's certificate must name the host in the URL."
                : "Set nats.ca_file to the CA certificate that signed the server's certificate (the system's trusted CAs do not), and check that the certificate names the host in the URL.";
            return One(new MessagingAuthenticationException(server.Url, $"The TLS handshake with the NATS server {where} failed: its certificate is not trusted ({untrusted.Message}). {check}", failure), server, untrusted.Message);
        }
        if (chain.Any(e => e.Message.Contains("alert", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("decryption operation failed", StringComparison.OrdinalIgnoreCase)))
        {
            var check = nats.TlsOpts.CertFile is { } cert
                ? $"It did not accept the client certificate in nats.cert_file {cert} (key nats.key_file {nats.TlsOpts.KeyFile}): check that a CA the server trusts (its tls ca_file) signed it and that it is meant for client authentication."
                : "It requires a client certificate and none was given: set nats.cert_file and nats.key_file to a certificate signed by a CA the server trusts.";
            return One(new MessagingAuthenticationException(server.Url, $"The NATS server {where} ended the TLS handshake. {check}", failure), server, "TLS handshake refused");
        }
        if (chain.FirstOrDefault(e => e.Message.Contains("does not support TLS", StringComparison.Ordinal)) is { } plain)
        {
            var why = server.IsTls ? "the URL is tls://" : "nats.ca_file or nats.cert_file is set";
            return One(new MessagingAuthenticationException(server.Url, $"The NATS server {where} does not offer TLS, but the client requires it ({why}). Use a nats:// URL without the TLS files, or enable tls on the server.", failure), server, "the server does not offer TLS");
        }
        if (chain.FirstOrDefault(e => e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException) is { } file)
            return One(new MessagingSettingsException("nats", $"A file the [nats] settings name cannot be read: {file.Message} Check nats.seed_file, nats.ca_file, nats.cert_file and nats.key_file.", failure), server, file.Message);

        // Nothing answered: find out, per server, what the TCP connection says.
        var reasons = new List<(NatsServerUrl Server, string Reason)>();
        foreach (var candidate in options.Servers)
            reasons.Add((candidate, await ProbeAsync(candidate, failure, cancellationToken).ConfigureAwait(false)));
        var said = string.Join("; ", reasons.Select(r => $"{r.Server}: {r.Reason}"));
        var servers = options.ConfiguredUrls ? "nats.urls" : "the embedded nats-server";
        return (new MessagingUnavailableException(
            $"Cannot connect to NATS ({servers}): {said}. Check that nats-server runs there and listens on that port, and that a firewall lets this machine reach it.", failure), reasons);
    }

    private static (MessagingException, IReadOnlyList<(NatsServerUrl, string)>) One(MessagingException error, NatsServerUrl server, string reason) =>
        (error, [(server, reason)]);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException) yield return e;
    }

    // NATS.Net names the server it was talking to in its message ("... nats server: nats://host:port").
    private static NatsServerUrl ServerOf(NatsException failure, NatsClientOptions options) =>
        options.Servers.FirstOrDefault(s => failure.Message.Contains(HostPort(s), StringComparison.OrdinalIgnoreCase)) ?? options.Servers[0];

    private static string HostPort(NatsServerUrl server)
    {
        var uri = new Uri(server.Url);
        return $"{uri.Host}:{uri.Port}";
    }

    private static async Task<string> ProbeAsync(NatsServerUrl server, NatsException failure, CancellationToken cancellationToken)
    {
        var uri = new Uri(server.Url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(uri.DnsSafeHost, uri.Port, timeout.Token).ConfigureAwait(false);
            return $"the port accepts connections, but no NATS server answered on it ({failure.Message})";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "connection refused";
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return $"the host {uri.Host} is not known";
        }
        catch (SocketException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {ProbeTimeout.TotalSeconds:0} s";
        }
    }
}
