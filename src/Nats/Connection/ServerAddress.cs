namespace HarmonyLite.Nats.Connection;

/// <summary>One server the client may connect to: host, port, whether TLS is demanded, and URL credentials.</summary>
internal sealed class ServerAddress
{
    public const int DefaultPort = 4222;

    private ServerAddress(string host, int port, bool tls, string? user, string? password, string? token, bool discovered)
    {
        Host = host;
        Port = port;
        IsTls = tls;
        User = user;
        Password = password;
        Token = token;
        IsDiscovered = discovered;
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>The URL used tls://, so TLS is required whatever the server says.</summary>
    public bool IsTls { get; }

    public string? User { get; }
    public string? Password { get; }

    /// <summary>A userinfo without ':' is a token (nats://token@host).</summary>
    public string? Token { get; }

    /// <summary>Learned from the server's connect_urls rather than configured.</summary>
    public bool IsDiscovered { get; }

    /// <summary>host:port, the identity used to avoid duplicates.</summary>
    public string Endpoint => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses nats://[user:pass@|token@]host[:port], tls://..., or a bare host[:port].</summary>
    public static ServerAddress Parse(string url, bool discovered = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "nats://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"'{url}' is not a NATS server URL; expected nats://host:port or tls://host:port.", nameof(url));
        var scheme = uri.Scheme.ToLowerInvariant();
        if (scheme is not ("nats" or "tls"))
            throw new ArgumentException($"'{url}' has the scheme '{uri.Scheme}'; NATS URLs use nats:// or tls://.", nameof(url));
        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        string? user = null, password = null, token = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':');
            if (colon < 0) token = Uri.UnescapeDataString(uri.UserInfo);
            else
            {
                user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return new ServerAddress(host, port, scheme == "tls", user, password, token, discovered);
    }

    /// <summary>The URL without credentials, safe for logs and events.</summary>
    public override string ToString() => $"{(IsTls ? "tls" : "nats")}://{Endpoint}";
}
