using System.Globalization;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// A listen address as nats-server and Go HarmonyLite write it: <c>host:port</c>, <c>:port</c> (all
/// interfaces) or <c>[v6]:port</c>. Port -1 asks nats-server to pick a free one.
/// </summary>
internal readonly record struct HostPort(string Host, int Port)
{
    /// <summary>The port value nats-server reads as "pick any free port".</summary>
    public const int AnyPort = -1;

    /// <summary>The host used when an address leaves it empty, as in Go's <c>:4222</c>.</summary>
    public const string AllInterfaces = "0.0.0.0";

    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> names the setting in the error.</summary>
    /// <exception cref="ArgumentException">Not host:port, or the port is out of range.</exception>
    public static HostPort Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        if (colon < 0)
            throw new ArgumentException($"{what} '{text}' is not host:port (for example 0.0.0.0:6222, :6222 or [::1]:6222).", nameof(text));
        var host = trimmed[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':'))
            throw new ArgumentException($"{what} '{text}' has an IPv6 host without brackets; write it as [{host}]:port.", nameof(text));
        var portText = trimmed[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port) || port < AnyPort || port > 65535)
            throw new ArgumentException($"{what} '{text}' has port '{portText}', which is not a number from 0 to 65535 (or -1 for any free port).", nameof(text));
        return new HostPort(host.Length == 0 ? AllInterfaces : host, port == 0 ? AnyPort : port);
    }

    /// <summary>True when the host means "every interface" rather than one address.</summary>
    public bool IsAllInterfaces => Host is "" or AllInterfaces or "::" or "[::]";

    /// <summary>The host as it goes into a URL or a listen string: IPv6 in brackets.</summary>
    public string HostForUrl => Host.Contains(':') ? $"[{Host}]" : Host;

    public override string ToString() => $"{HostForUrl}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
