using System.Globalization;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// A listen address <c>host:port</c> as nats-server takes it: the host may be empty (all interfaces) or a
/// bracketed IPv6 address, the port -1 for "any free port".
/// </summary>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>The port value nats-server reads as "pick any free port".</summary>
    public const int AnyPort = -1;

    /// <summary>The host used when an address leaves it empty, as in Go's <c>:4222</c>.</summary>
    public const string AllInterfaces = "0.0.0.0";

    /// <summary>
    /// The address as nats-server should listen on it: an empty host (Go's <c>:4222</c>) is every interface,
    /// port 0 is any free port.
    /// </summary>
    public HostPort ForListening() => new(Host.Length == 0 ? AllInterfaces : Host, Port == 0 ? AnyPort : Port);

    /// <summary>True when the host means "every interface" rather than one address.</summary>
    public bool IsAllInterfaces => Host is "" or AllInterfaces or "::" or "[::]";

    /// <summary>True for 127.0.0.0/8, ::1 and <c>localhost</c>: reachable from this machine only.</summary>
    public bool IsLoopback => Host == "localhost" || (System.Net.IPAddress.TryParse(Host, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>The host as it goes into a URL or a listen string: IPv6 in brackets.</summary>
    public string HostForUrl => Host.Contains(':') ? $"[{Host}]" : Host;

    /// <summary>Reads <c>host:port</c>, <c>:port</c> or <c>[v6]:port</c>; null with <paramref name="problem"/> set when invalid.</summary>
    public static HostPort? TryParse(string text, out string problem)
    {
        problem = "";
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            problem = "expected host:port (for example 127.0.0.1:4222, or :-1 for any free port)";
            return null;
        }
        var host = text[..colon];
        if (host.StartsWith('[') != host.EndsWith(']') || (!host.StartsWith('[') && host.Contains(':')))
        {
            problem = "an IPv6 host must be in brackets, as in [::1]:4222";
            return null;
        }
        if (host.StartsWith('['))
        {
            host = host[1..^1];
        }
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var port) || port is < -1 or > 65535)
        {
            problem = "the port must be a number from 0 to 65535, or -1 for any free port";
            return null;
        }
        return new HostPort(host, port);
    }

    public override string ToString() => HostForUrl + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
