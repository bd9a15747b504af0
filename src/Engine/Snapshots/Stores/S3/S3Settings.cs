using System.Text.RegularExpressions;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Snapshots.Stores.S3;

/// <summary>
/// <c>[snapshot.s3]</c> read as the Go HarmonyLite reads it: <c>endpoint</c> is <c>host[:port]</c> without a scheme,
/// <c>use_ssl</c> picks https over http, objects are <c>&lt;path&gt;/&lt;name&gt;</c> in <c>bucket</c>.
/// </summary>
internal sealed partial record S3Settings(string Endpoint, bool UseSsl, string Bucket, string Prefix, S3Credentials Credentials)
{
    public Uri ServiceUrl => new($"{(UseSsl ? "https" : "http")}://{Endpoint}");

    /// <summary>Where objects go, for messages: "S3 bucket snaps under prod/ at https://s3.amazonaws.com".</summary>
    public string Description => $"S3 bucket {Bucket}{(Prefix.Length > 0 ? $" under {Prefix}" : "")} at {ServiceUrl.GetLeftPart(UriPartial.Authority)}";

    /// <summary>Reads the settings; the environment is asked for credentials as the Go version asks it.</summary>
    /// <exception cref="StoreSettingException">A setting cannot be used.</exception>
    public static S3Settings From(SnapshotS3Config config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        var endpoint = config.Endpoint.Trim();
        if (endpoint.Length == 0)
            throw new StoreSettingException("snapshot.s3.endpoint", "required when snapshot.store = \"s3\"; give the server as host[:port], e.g. \"s3.amazonaws.com\" or \"minio.local:9000\"");
        if (endpoint.Contains("://", StringComparison.Ordinal))
            throw new StoreSettingException("snapshot.s3.endpoint", $"give host[:port] without a scheme (got \"{endpoint}\"); snapshot.s3.use_ssl chooses https (true) or http (false)");
        if (!Uri.TryCreate("http://" + endpoint, UriKind.Absolute, out var parsed) || parsed.AbsolutePath != "/" || parsed.Query.Length > 0 || parsed.UserInfo.Length > 0 || endpoint.EndsWith('/'))
            throw new StoreSettingException("snapshot.s3.endpoint", $"expected host[:port], e.g. \"s3.amazonaws.com\" or \"10.0.0.5:9000\", got \"{endpoint}\"");
        if (config.Bucket.Length == 0)
            throw new StoreSettingException("snapshot.s3.bucket", "required when snapshot.store = \"s3\"; name the bucket snapshots are saved in (it is created when missing)");
        if (!BucketName().IsMatch(config.Bucket))
            throw new StoreSettingException("snapshot.s3.bucket", $"\"{config.Bucket}\" is not a bucket name: 3 to 63 letters, digits, '.', '-' or '_', starting and ending with a letter or digit");
        var prefix = config.Path.Trim('/');
        return new S3Settings(endpoint, config.UseSsl, config.Bucket, prefix.Length == 0 ? "" : prefix + "/", S3Credentials.From(config, environment));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$")]
    private static partial Regex BucketName();
}
