using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// The peer URL lists of -cluster-peers and -leaf-servers: comma separated like the Go flags, each an
/// absolute URL with host and port. A <c>dns://name:port</c> entry stands for every address the name
/// resolves to (Go HarmonyLite's peer discovery), looked up again at every start; its query may set
/// <c>interval_ms</c> (retry interval, default 1000) and <c>min</c> (addresses to wait for, default 1).
/// </summary>
internal static class NatsPeerUrls
{
    /// <summary>Splits and checks the entries.</summary>
    /// <exception cref="ArgumentException">An entry is not an absolute URL with a host and a port.</exception>
    public static IReadOnlyList<Uri> Parse(IEnumerable<string> values, string what)
    {
        var urls = new List<Uri>();
        foreach (var entry in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var url) || url.Host.Length == 0 || url.Port <= 0)
                throw new ArgumentException($"{what} entry '{entry}' is not a URL with host and port (for example nats://10.0.0.2:6222 or dns://nats.internal:6222).", nameof(values));
            urls.Add(url);
        }
        return urls;
    }

    /// <summary>Whether the URL asks for the remote to be treated as a hub (<c>?hub=true</c>, leafnode remotes).</summary>
    public static bool IsHub(Uri url) => QueryValue(url, "hub") is { } hub && hub.Equals("true", StringComparison.OrdinalIgnoreCase);

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
                        logger.LogInformation("Peer discovery: {Url} resolved to {Addresses}.", url, string.Join(", ", addresses.Select(a => a.ToString())));
                        return addresses;
                    }
                    seen = $"{addresses.Length} address(es), waiting for {minimum}";
                }
                catch (SocketException ex)
                {
                    seen = ex.Message;
                }
                logger.LogWarning("Peer discovery: {Url} gave {Seen}; trying again in {Interval} ms.", url, seen, interval.TotalMilliseconds);
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"{url} did not resolve ({seen}).", ex, cancellationToken);
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
