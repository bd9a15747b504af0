namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// How every printer of the configuration hides secrets (<c>-print-config</c>, the records' ToString, log lines
/// naming peers): secret settings print as <see cref="Redacted"/>, and URLs lose the secret part of their user
/// information, a password (<c>nats://user:pw@host</c>) or a token (<c>nats://token@host</c>).
/// </summary>
public static partial class SecretRedaction
{
    public const string Redacted = "<redacted>";

    /// <summary><see cref="Redacted"/> for a set secret; an unset (empty) one stays empty, so it shows as unset.</summary>
    public static string Secret(string value) => value.Length == 0 ? value : Redacted;

    /// <summary>
    /// The URL with its password, or its token, replaced by <see cref="Redacted"/>; anything that is not a URL
    /// with user information comes back unchanged.
    /// </summary>
    public static string Url(string text)
    {
        // WebDAV URLs carry their password as a query parameter (snapshot.webdav.url).
        text = SecretParameter().Replace(text, Redacted);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return text;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityEnd < 0 ? text[authorityStart..] : text[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var userInfo = authority[..at];
        var colon = userInfo.IndexOf(':');
        // NATS reads user information without a colon as a token, a secret of its own.
        var shown = colon < 0 ? Redacted : userInfo[..colon] + ":" + Redacted;
        return text[..authorityStart] + shown + authority[at..] + (authorityEnd < 0 ? "" : text[authorityEnd..]);
    }

    public static string Url(Uri url) => Url(url.OriginalString);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[?&]secret=)[^&#]+")]
    private static partial System.Text.RegularExpressions.Regex SecretParameter();
}
