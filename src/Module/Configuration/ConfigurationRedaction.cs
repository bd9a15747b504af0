using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.PowerShell.Configuration;

/// <summary>
/// The configuration as the module shows it: every secret (passwords, keys, tokens, and passwords inside URLs) replaced
/// by <see cref="Hidden"/>, as the sidecar's <c>-print-config</c> hides them. The engine gets the real one; PowerShell
/// never does, so no format view, Format-List *, ConvertTo-Json or transcript can print a secret.
/// </summary>
internal static class ConfigurationRedaction
{
    public const string Hidden = SecretRedaction.Redacted;

    public static HarmonyConfig WithoutSecrets(HarmonyConfig config) => config with
    {
        Nats = config.Nats with
        {
            UserPassword = Hide(config.Nats.UserPassword),
            Urls = config.Nats.Urls.Select(WithoutPassword).ToList(),
        },
        Snapshot = config.Snapshot with
        {
            S3 = config.Snapshot.S3 with { Secret = Hide(config.Snapshot.S3.Secret), SessionToken = Hide(config.Snapshot.S3.SessionToken) },
            WebDav = config.Snapshot.WebDav with { Url = WithoutPassword(config.Snapshot.WebDav.Url) },
            Sftp = config.Snapshot.Sftp with { Url = WithoutPassword(config.Snapshot.Sftp.Url) },
        },
        Cluster = config.Cluster with
        {
            Peers = config.Cluster.Peers.Select(WithoutPassword).ToList(),
            LeafServers = config.Cluster.LeafServers.Select(l => l with { Url = WithoutPassword(l.Url) }).ToList(),
        },
    };

    private static string Hide(string secret) => SecretRedaction.Secret(secret);

    /// <summary>The URL with its password or token hidden, exactly as the sidecar prints it; anything else as it is.</summary>
    private static string WithoutPassword(string text) => SecretRedaction.Url(text);

    private static Uri WithoutPassword(Uri uri) => new(SecretRedaction.Url(uri), UriKind.RelativeOrAbsolute);
}
