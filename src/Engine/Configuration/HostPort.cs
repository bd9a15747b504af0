using System.Globalization;

namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// A listen address <c>host:port</c> as nats-server takes it: the host may be empty (all interfaces) or a
/// bracketed IPv6 address, the port -1 for "any free port".
/// </summary>
public readonly record struct HostPort(string Host, int Port)
{
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

    public override string ToString() =>
        (Host.Contains(':') ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
