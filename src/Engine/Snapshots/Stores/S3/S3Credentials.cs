using Amazon.Runtime;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Snapshots.Stores.S3;

/// <summary>
/// The credentials the store signs with, found as the Go version finds them: the AWS environment variables
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>), then MinIO's
/// (<c>MINIO_ROOT_USER</c>/<c>MINIO_ACCESS_KEY</c>, <c>MINIO_ROOT_PASSWORD</c>/<c>MINIO_SECRET_KEY</c>), then
/// <c>access_key</c>, <c>secret</c> and <c>session_token</c>; none at all means anonymous requests.
/// </summary>
/// <param name="Source">Where they came from, for messages, e.g. "snapshot.s3.access_key and snapshot.s3.secret".</param>
internal sealed record S3Credentials(string AccessKey, string Secret, string SessionToken, string Source)
{
    public bool IsAnonymous => AccessKey.Length == 0;

    /// <summary>What to check when the server refuses them.</summary>
    public string Check => IsAnonymous
        ? "no credentials are set (anonymous requests): set snapshot.s3.access_key and snapshot.s3.secret"
        : $"check {Source}" + (Source.StartsWith("snapshot.", StringComparison.Ordinal)
            ? " (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or MINIO_ACCESS_KEY/MINIO_SECRET_KEY in the environment would take precedence)"
            : ", which take precedence over snapshot.s3.access_key and snapshot.s3.secret");

    public AWSCredentials ToAws() =>
        IsAnonymous ? new AnonymousAWSCredentials()
        : SessionToken.Length > 0 ? new SessionAWSCredentials(AccessKey, Secret, SessionToken)
        : new BasicAWSCredentials(AccessKey, Secret);

    /// <exception cref="StoreSettingException">Only one of access_key and secret is set.</exception>
    public static S3Credentials From(SnapshotS3Config config, Func<string, string?> environment)
    {
        string Env(string name, string fallback) => environment(name) is { Length: > 0 } value ? value : environment(fallback) ?? "";

        var awsKey = Env("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
        var awsSecret = Env("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
        if (awsKey.Length > 0 && awsSecret.Length > 0)
            return new S3Credentials(awsKey, awsSecret, environment("AWS_SESSION_TOKEN") ?? "", "the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables");
        var minioKey = Env("MINIO_ROOT_USER", "MINIO_ACCESS_KEY");
        var minioSecret = Env("MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY");
        if (minioKey.Length > 0 && minioSecret.Length > 0)
            return new S3Credentials(minioKey, minioSecret, "", "the MINIO_ACCESS_KEY and MINIO_SECRET_KEY (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD) environment variables");

        if (config.AccessKey.Length > 0 != config.Secret.Length > 0)
            throw new StoreSettingException(config.AccessKey.Length > 0 ? "snapshot.s3.secret" : "snapshot.s3.access_key",
                "set snapshot.s3.access_key and snapshot.s3.secret together (both empty: anonymous requests)");
        if (config.AccessKey.Length == 0 && config.SessionToken.Length > 0)
            throw new StoreSettingException("snapshot.s3.session_token", "a session token needs snapshot.s3.access_key and snapshot.s3.secret too");
        return new S3Credentials(config.AccessKey, config.Secret, config.SessionToken, "snapshot.s3.access_key and snapshot.s3.secret");
    }

    /// <summary>Never shows the secret or the token.</summary>
    public override string ToString() => IsAnonymous ? "anonymous" : $"access key {AccessKey} from {Source}";
}
