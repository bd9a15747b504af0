using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Snapshots.Stores.S3;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>The s3 store against s3rver on loopback (see <see cref="S3ServerFixture"/> for what that server checks).</summary>
public sealed class S3StoreTests : RemoteStoreContract, IClassFixture<S3ServerFixture>
{
    private const string Prefix = "harmonylite/snapshots";

    private readonly S3ServerFixture _server;
    private readonly string _bucket = StoreConfigs.Unique("snaps");

    public S3StoreTests(S3ServerFixture server) => _server = server;

    private SnapshotS3Config S3Config => new()
    {
        Endpoint = _server.Endpoint,
        Bucket = _bucket,
        Path = Prefix,
        AccessKey = S3ServerFixture.AccessKey,
        Secret = S3ServerFixture.Secret,
    };

    protected override HarmonyConfig Config(string databasePath, long nodeId, int keep = 3) => StoreConfigs.S3(databasePath, nodeId, S3Config, keep);

    /// <summary>s3rver keeps an object as a file named after its key (parts of an unfinished upload live elsewhere).</summary>
    protected override string ServerPath(string name) => Path.Combine(_server.DataDirectory, _bucket, Prefix, name + "._S3rver_object");

    protected override IReadOnlyList<string> ServerFileNames()
    {
        var folder = Path.Combine(_server.DataDirectory, _bucket, Prefix);
        const string ObjectSuffix = "._S3rver_object";
        return System.IO.Directory.Exists(folder)
            ? System.IO.Directory.EnumerateFiles(folder, "*" + ObjectSuffix).Select(f => Path.GetFileName(f)[..^ObjectSuffix.Length]).ToList()
            : [];
    }

    [Fact]
    public async Task A_missing_bucket_is_created_and_snapshots_are_plain_objects_under_the_path()
    {
        var path = await NodeDatabaseAsync("plain.db", nodeId: 3, rows: 20);
        await using var service = await OpenAsync(Config(path, 3));
        var saved = await service.SaveAsync(CancellationToken.None);

        using var client = PlainClient();
        using var response = await client.GetObjectAsync(_bucket, $"{Prefix}/{saved.Id}.db");
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        Assert.Equal(saved.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
        Assert.Equal($"S3 bucket {_bucket} under {Prefix}/ at http://{_server.Endpoint}", service.Store.Description);
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused_naming_the_keys_to_check_and_never_the_secret()
    {
        var config = Config(Directory.File("x.db"), 1);
        config = config with { Snapshot = config.Snapshot with { S3 = S3Config with { AccessKey = "NOT-A-KEY", Secret = "very-secret-value" } } };

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.Contains("refused the credentials", error.Message);
        Assert.Contains("InvalidAccessKeyId", error.Message);
        Assert.Contains("check snapshot.s3.access_key and snapshot.s3.secret", error.Message);
        Assert.DoesNotContain("very-secret-value", error.ToString());
    }

    [Fact]
    public async Task A_bucket_removed_while_the_node_runs_is_reported_naming_snapshot_s3_bucket()
    {
        var path = await NodeDatabaseAsync("gone.db", nodeId: 1, rows: 2);
        await using var service = await OpenAsync(Config(path, 1));
        await service.SaveAsync(CancellationToken.None);
        System.IO.Directory.Delete(Path.Combine(_server.DataDirectory, _bucket), recursive: true);

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => service.ListAsync(CancellationToken.None));

        Assert.Equal($"The S3 bucket {_bucket} under {Prefix}/ at http://{_server.Endpoint} does not exist (asked to list the objects): check snapshot.s3.bucket, or create the bucket again.", error.Message);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_is_reported_with_endpoint_and_use_ssl()
    {
        var port = FreePort.Next();
        var config = Config(Directory.File("x.db"), 1);
        config = config with { Snapshot = config.Snapshot with { S3 = S3Config with { Endpoint = $"127.0.0.1:{port}" } } };

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.StartsWith($"Cannot reach the S3 bucket {_bucket} under {Prefix}/ at http://127.0.0.1:{port}", error.Message);
        Assert.Contains("Check snapshot.s3.endpoint, and snapshot.s3.use_ssl = false", error.Message);
    }

    [Fact]
    public void Credentials_come_from_the_environment_first_as_in_the_go_version()
    {
        var config = new SnapshotS3Config { AccessKey = "config-key", Secret = "config-secret" };
        var aws = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "aws-key", ["AWS_SECRET_ACCESS_KEY"] = "aws-secret", ["AWS_SESSION_TOKEN"] = "aws-token", ["MINIO_ACCESS_KEY"] = "minio-key", ["MINIO_SECRET_KEY"] = "minio-secret" };
        var minio = new Dictionary<string, string> { ["MINIO_ROOT_USER"] = "root-user", ["MINIO_ROOT_PASSWORD"] = "root-password" };

        Assert.Equal(("aws-key", "aws-secret", "aws-token"), Of(S3Credentials.From(config, aws.GetValueOrDefault)));
        Assert.Equal(("root-user", "root-password", ""), Of(S3Credentials.From(config, minio.GetValueOrDefault)));
        Assert.Equal(("config-key", "config-secret", ""), Of(S3Credentials.From(config, _ => null)));
        Assert.True(S3Credentials.From(new SnapshotS3Config(), _ => null).IsAnonymous);
        Assert.DoesNotContain("aws-secret", S3Credentials.From(config, aws.GetValueOrDefault).ToString());
        Assert.DoesNotContain("aws-token", S3Credentials.From(config, aws.GetValueOrDefault).ToString());

        static (string, string, string) Of(S3Credentials c) => (c.AccessKey, c.Secret, c.SessionToken);
    }

    private AmazonS3Client PlainClient() => new(new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.Secret), new AmazonS3Config
    {
        ServiceURL = $"http://{_server.Endpoint}",
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });
}
