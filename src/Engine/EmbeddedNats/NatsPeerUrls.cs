using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HarmonyLite.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Turns the -cluster-peers and -leaf-servers URLs (parsed and checked by the configuration) into what nats-server
/// is given. A <c>dns://name:port</c> entry stands for every address the name resolves to (Go HarmonyLite's peer
/// discovery), looked up again at every start; its query may set <c>interval_ms</c> (retry interval, default 1000)
/// and <c>min</c> (addresses to wait for, default 1).
/// </summary>
internal static class NatsPeerUrls
{
    /// <summary><paramref name="url"/> carrying <paramref name="user"/> and <paramref name="password"/>, unless it has credentials of its own.</summary>
    public static string WithCredentials(string url, string user, string password)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = url.IndexOfAny(['/', '?'], scheme);
        var authority = authorityEnd < 0 ? url[scheme..] : url[scheme..authorityEnd];
        return authority.Contains('@')
            ? url
            : url[..scheme] + Uri.EscapeDataString(user) + ":" + Uri.EscapeDataString(password) + "@" + url[scheme..];
    }

    /// <summary>
    /// The URLs as nats-server should get them: dns:// entries replaced by <c>nats://address:port</c>
    /// for each resolved address (user info kept), and query strings dropped.
    /// </summary>
    /// <exception cref="OperationCanceledException">A name did not resolve before <paramref name="cancellationToken"/> fired; the message names it.</exception>
    public static async Task<IReadOnlyList<(string Url, Uri Source)>> ResolveAsync(IReadOnlyList<Uri> urls, ILogger logger, CancellationToken cancellationToken)
    {
        var resolved = new List<(string, Uri)>();
        foreach (var url in urls)
        {
            if (!url.Scheme.Equals("dns", StringComparison.OrdinalIgnoreCase))
            {
                resolved.Add((WithoutQuery(url.OriginalString), url));
                continue;
            }
            var userInfo = url.UserInfo.Length > 0 ? url.UserInfo + "@" : "";
            foreach (var address in await LookUpAsync(url, logger, cancellationToken).ConfigureAwait(false))
            {
                var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
                resolved.Add(($"nats://{userInfo}{host}:{url.Port.ToString(CultureInfo.InvariantCulture)}", url));
            }
        }
        return resolved;
    }

    private static async Task<IReadOnlyList<IPAddress>> LookUpAsync(Uri url, ILogger logger, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(ParsePositive(QueryValue(url, "interval_ms")) ?? 1000);
        var minimum = ParsePositive(QueryValue(url, "min")) ?? 1;
        var seen = "no answer yet";
        try
        {
            while (true)
            {
                try
                {
                    var addresses = await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
                    if (addresses.Length >= minimum)
                    {
                        logger.LogInformation("Peer discovery: {Url} resolved to {Addresses}.", SecretRedaction.Url(url), string.Join(", ", addresses.Select(a => a.ToString())));
                        return addresses;
                    }
                    seen = $"{addresses.Length} address(es), waiting for {minimum}";
                }
                catch (SocketException ex)
                {
                    seen = ex.Message;
                }
                logger.LogWarning("Peer discovery: {Url} gave {Seen}; trying again in {Interval} ms.", SecretRedaction.Url(url), seen, interval.TotalMilliseconds);
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{SecretRedaction.Url(url)} did not resolve ({seen}).", ex, cancellationToken);
        }
    }

    private static string WithoutQuery(string url)
    {
        var query = url.IndexOf('?');
        return query < 0 ? url : url[..query];
    }

    private static string? QueryValue(Uri url, string name)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return null;
    }

    private static int? ParsePositive(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
