using System.Web;

namespace HarmonyLite.Engine.Snapshots.Stores.WebDav;

/// <summary>
/// <c>snapshot.webdav.url</c> read as the Go HarmonyLite reads it:
/// <c>https://host/dav/root?dir=/snapshots/path&amp;login=user&amp;secret=password</c>. The query parameters
/// <c>dir</c> (the folder under the URL, default <c>/</c>), <c>login</c> and <c>secret</c> are all it takes.
/// </summary>
/// <param name="Root">The server URL without its parameters; ends with '/'.</param>
/// <param name="Folder">The folder's segments under <paramref name="Root"/>, unescaped.</param>
internal sealed record WebDavSettings(Uri Root, IReadOnlyList<string> Folder, string Login, string Secret)
{
    private const string Key = "snapshot.webdav.url";

    /// <summary>The folder's URL, ending with '/'.</summary>
    public Uri FolderUrl => new(Root, string.Concat(Folder.Select(s => Uri.EscapeDataString(s) + "/")));

    /// <summary>Where snapshots go, for messages: the folder's URL, which carries no credentials.</summary>
    public string Description => $"WebDAV folder {FolderUrl.AbsoluteUri}";

    /// <exception cref="StoreSettingException">The URL cannot be used.</exception>
    public static WebDavSettings From(string url)
    {
        if (url.Length == 0)
            throw new StoreSettingException(Key, "required when snapshot.store = \"webdav\"; e.g. \"https://dav.example.com/remote.php/dav/files/ops?dir=/snapshots&login=ops&secret=...\"");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new StoreSettingException(Key, "expected an http:// or https:// URL with the parameters dir, login and secret, e.g. \"https://dav.example.com/dav?dir=/snapshots&login=ops&secret=...\"");
        if (uri.UserInfo.Length > 0)
            throw new StoreSettingException(Key, "give the user and password as the login and secret parameters (?login=...&secret=...), not before the host");
        var query = HttpUtility.ParseQueryString(uri.Query);
        var dir = query["dir"] ?? "/";
        var login = query["login"] ?? "";
        var secret = query["secret"] ?? "";
        if (login.Length > 0 != secret.Length > 0)
            throw new StoreSettingException(Key, $"the parameter {(login.Length > 0 ? "secret" : "login")} is missing; give login and secret together (both left out: no authentication)");
        if (query.AllKeys.FirstOrDefault(k => k is not ("dir" or "login" or "secret")) is { } unknown)
            throw new StoreSettingException(Key, $"unknown parameter '{unknown}'; the parameters are dir, login and secret");
        var segments = dir.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
            throw new StoreSettingException(Key, $"the parameter dir = \"{dir}\" may not contain . or .. segments");
        var root = new UriBuilder(uri) { Query = "", Fragment = "" };
        if (!root.Path.EndsWith('/')) root.Path += "/";
        return new WebDavSettings(root.Uri, segments, login, secret);
    }

    /// <summary>Never shows the secret.</summary>
    public override string ToString() => Login.Length == 0 ? Description : $"{Description} as {Login}";
}
