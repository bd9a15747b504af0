using System.Web;

namespace HarmonyLite.Engine.Snapshots.Stores.Sftp;

/// <summary>
/// <c>snapshot.sftp.url</c>: <c>sftp://user[:password]@host[:port]/path</c> as in the Go HarmonyLite (a path of its
/// own is absolute; none means the login's home folder), plus two parameters of ours: <c>key</c>, a private key file
/// to log in with (without it the usual <c>~/.ssh/id_ed25519</c>, <c>id_ecdsa</c> and <c>id_rsa</c> are tried), and
/// <c>fingerprint</c>, the server's host key as <c>ssh-keygen -l</c> prints it (<c>SHA256:...</c>); without it any host
/// key is accepted, as the Go version accepts it, and the one seen is logged.
/// </summary>
/// <param name="Folder">The remote folder; empty for the login's home folder.</param>
/// <param name="KeyFile">The <c>key</c> parameter, an absolute path; null when not given.</param>
/// <param name="Fingerprint">The <c>fingerprint</c> parameter as base64 SHA-256 without padding; null when not given.</param>
internal sealed record SftpSettings(string Host, int Port, string User, string Password, string Folder, string? KeyFile, string? Fingerprint)
{
    private const string Key = "snapshot.sftp.url";

    /// <summary>Where snapshots go, for messages, without the password.</summary>
    public string Description => $"SFTP folder {(Folder.Length == 0 ? "~" : Folder)} on {User}@{Host}:{Port}";

    /// <exception cref="StoreSettingException">The URL cannot be used.</exception>
    public static SftpSettings From(string url)
    {
        const string Example = "e.g. \"sftp://backup@files.example.com:22/srv/snapshots?key=/etc/harmonylite/id_ed25519\"";
        if (url.Length == 0)
            throw new StoreSettingException(Key, $"required when snapshot.store = \"sftp\"; {Example}");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "sftp" || uri.Host.Length == 0)
            throw new StoreSettingException(Key, $"expected sftp://user[:password]@host[:port]/path, {Example}");
        var userInfo = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        if (user.Length == 0)
            throw new StoreSettingException(Key, $"name the user to log in as before the host, {Example}");
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "";

        var query = HttpUtility.ParseQueryString(uri.Query);
        if (query.AllKeys.FirstOrDefault(k => k is not ("key" or "fingerprint")) is { } unknown)
            throw new StoreSettingException(Key, $"unknown parameter '{unknown}'; the parameters are key (a private key file) and fingerprint (the server's host key, SHA256:...)");
        var key = query["key"];
        if (key is not null && !System.IO.Path.IsPathFullyQualified(key))
            throw new StoreSettingException(Key, $"the key parameter must be an absolute path to a private key file, got \"{key}\"");
        var fingerprint = query["fingerprint"];
        if (fingerprint is not null)
        {
            fingerprint = (fingerprint.StartsWith("SHA256:", StringComparison.Ordinal) ? fingerprint["SHA256:".Length..] : fingerprint).TrimEnd('=');
            if (fingerprint.Length != 43)
                throw new StoreSettingException(Key, "the fingerprint parameter must be the SHA-256 fingerprint of the server's host key as ssh-keygen -lf prints it (SHA256: and 43 characters)");
        }

        // The path as written: Uri gives "/" for none at all, which would mean the root folder.
        var beforeQuery = url.Split('?', 2)[0];
        var hasPath = beforeQuery.IndexOf('/', beforeQuery.IndexOf("://", StringComparison.Ordinal) + 3) >= 0;
        var folder = hasPath ? Uri.UnescapeDataString(uri.AbsolutePath) : "";
        if (folder.Length > 1) folder = folder.TrimEnd('/');
        return new SftpSettings(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 22 : uri.Port, user, password, folder, key, fingerprint);
    }

    /// <summary>The key files to offer: the <c>key</c> parameter, else the usual ones of the user running the node.</summary>
    public IReadOnlyList<string> KeyFiles()
    {
        if (KeyFile is not null) return [KeyFile];
        var ssh = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh");
        return new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(n => System.IO.Path.Combine(ssh, n)).Where(File.Exists).ToList();
    }

    /// <summary>Never shows the password.</summary>
    public override string ToString() => Description;
}
