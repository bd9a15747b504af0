namespace HarmonyLite.Engine.Messaging.Internal;

/// <summary>
/// One server URL of <c>nats.urls</c> (or the embedded server's), split into the URL without credentials (for the
/// client, logs and errors) and the credentials its user info carried: <c>user:password@</c> or a <c>token@</c>.
/// </summary>
internal sealed record NatsServerUrl(string Url, string? User, string? Password, string? Token)
{
    private static readonly string[] Schemes = ["nats", "tls", "ws", "wss"];

    /// <exception cref="MessagingSettingsException">A URL that is not a nats://, tls://, ws:// or wss:// URL (or host:port).</exception>
    public static NatsServerUrl Parse(string text, string setting)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "nats://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new MessagingSettingsException(setting, $"{setting}: '{Redact(text)}' is not a server URL; write nats://host:4222 (or tls://, ws://, wss://).");
        if (!Schemes.Contains(uri.Scheme, StringComparer.Ordinal))
            throw new MessagingSettingsException(setting, $"{setting}: '{Redact(text)}' has scheme {uri.Scheme}://; NATS servers are reached with nats://, tls://, ws:// or wss://.");

        string? user = null, password = null, token = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) token = Uri.UnescapeDataString(uri.UserInfo);
            else (user, password) = (Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
        }
        var builder = new UriBuilder(uri) { UserName = "", Password = "" };
        if (uri.Scheme is "nats" or "tls" && uri.IsDefaultPort) builder.Port = 4222;
        var clean = builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped).TrimEnd('/');
        return new NatsServerUrl(clean, user, password, token);
    }

    /// <summary>The text with any user info replaced by ***, for messages.</summary>
    public static string Redact(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return scheme >= 0 && at > scheme ? text[..(scheme + 3)] + "***" + text[at..] : text;
    }

    public bool IsTls => Url.StartsWith("tls://", StringComparison.Ordinal) || Url.StartsWith("wss://", StringComparison.Ordinal);

    public bool IsWebSocket => Url.StartsWith("ws", StringComparison.Ordinal);

    public override string ToString() => Url;
}
