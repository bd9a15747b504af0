using System.Text.RegularExpressions;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests.Snapshots;

/// <summary>
/// The sidecar with each remote snapshot store, against a real server on loopback: <c>-save-snapshot</c> beside a
/// running node uploads a snapshot, and a fresh node holding only the schema restores it at start and then replicates
/// with the others.
/// </summary>
public abstract partial class RemoteStoreRestoreTests
{
    private const string Schema = "CREATE TABLE notes(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);";

    /// <summary>The <c>[snapshot]</c> tables every node of the test runs with.</summary>
    protected abstract string SnapshotToml { get; }

    [Fact]
    public async Task A_snapshot_saved_by_one_node_is_restored_by_a_fresh_node_which_then_replicates()
    {
        var settings = new NodeSettings { SnapshotToml = SnapshotToml };
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings { Nodes = 2, Schema = Schema, Node = _ => settings });
        var source = cluster[1];
        await source.Database.ExecuteAsync(string.Concat(Enumerable.Range(1, 50).Select(i => $"INSERT INTO notes(id, body) VALUES ({i}, 'note {i}');")));
        await cluster.WaitForCountAsync("notes", 50);

        var run = await HarmonyliteExecutable.RunAsync(source.Directory, "-config", source.ConfigPath, "-save-snapshot");
        Assert.True(run.ExitCode == 0, $"-save-snapshot failed: {run}");
        var saved = SavedLine().Match(run.Error);
        Assert.True(saved.Success, $"-save-snapshot did not say which snapshot it saved: {run}");
        var id = saved.Groups["id"].Value;

        var newcomer = await cluster.AddNodeAsync(settings, Schema);
        var started = newcomer.Log.Mark();
        await newcomer.StartAsync();
        var lines = newcomer.Log.LinesSince(started);
        Assert.True(lines.Count(l => l.Contains($"Restored snapshot {id} ", StringComparison.Ordinal) && l.Contains("resuming from its positions", StringComparison.Ordinal)) == 1,
            $"node {newcomer.Id} should have restored snapshot {id} once when it started; its log:\n{newcomer.Log.Tail(40)}");
        Assert.Equal(50, await newcomer.Database.CountAsync("notes"));

        await newcomer.Database.ExecuteAsync("INSERT INTO notes(id, body) VALUES (-2, 'written on the newcomer');");
        await source.Database.ExecuteAsync("INSERT INTO notes(id, body) VALUES (-1, 'written on node 1 after the restore');");
        await cluster.WaitForCountAsync("notes", 52);
        await cluster.WaitConvergedAsync("the newcomer restored from the store and replicates");
    }

    [GeneratedRegex(@"saved snapshot (?<id>\S+) \(")]
    private static partial Regex SavedLine();
}

public sealed class S3StoreRestoreTests(S3ServerFixture server) : RemoteStoreRestoreTests, IClassFixture<S3ServerFixture>
{
    protected override string SnapshotToml => $"""
        [snapshot]
        enabled = true
        store = "s3"

        [snapshot.s3]
        endpoint = "{server.Endpoint}"
        bucket = "e2e-snapshots"
        path = "cluster-a"
        use_ssl = false
        access_key = "{S3ServerFixture.AccessKey}"
        secret = "{S3ServerFixture.Secret}"
        """;
}

public sealed class WebDavStoreRestoreTests(WebDavServerFixture server) : RemoteStoreRestoreTests, IClassFixture<WebDavServerFixture>
{
    protected override string SnapshotToml => $"""
        [snapshot]
        enabled = true
        store = "webdav"

        [snapshot.webdav]
        url = "{server.Url("/e2e/snapshots")}"
        """;
}

public sealed class SftpStoreRestoreTests(SftpServerFixture server) : RemoteStoreRestoreTests, IClassFixture<SftpServerFixture>
{
    protected override string SnapshotToml => $"""
        [snapshot]
        enabled = true
        store = "sftp"

        [snapshot.sftp]
        url = "{server.Url(server.FilesDirectory + "/e2e/snapshots", fingerprint: server.HostKeyFingerprint)}"
        """;
}
