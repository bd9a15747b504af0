using System.Security.Cryptography;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>The sftp store against OpenSSH's sshd on loopback, logging in with a key.</summary>
public sealed class SftpStoreTests : RemoteStoreContract, IClassFixture<SftpServerFixture>
{
    private readonly SftpServerFixture _server;
    private readonly string _folder;

    public SftpStoreTests(SftpServerFixture server)
    {
        _server = server;
        _folder = Path.Combine(server.FilesDirectory, StoreConfigs.Unique("snaps"), "nested");
    }

    protected override HarmonyConfig Config(string databasePath, long nodeId, int keep = 3) => StoreConfigs.Sftp(databasePath, nodeId, _server.Url(_folder), keep);

    protected override IReadOnlyList<string> ServerFileNames() => FileNamesIn(_folder);

    protected override string ServerPath(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task The_store_is_described_by_folder_user_and_server()
    {
        await using var service = await OpenAsync(Config(Directory.File("x.db"), 3));
        Assert.Equal($"SFTP folder {_folder} on {_server.User}@127.0.0.1:{_server.Server.Port}", service.Store.Description);
    }

    [Fact]
    public async Task A_key_the_server_does_not_know_is_refused_naming_the_user_and_key()
    {
        var config = StoreConfigs.Sftp(Directory.File("x.db"), 1, _server.Url(_folder, key: _server.StrangerKeyFile));

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.Contains($"refused the login of '{_server.User}'", error.Message);
        Assert.Contains($"key {_server.StrangerKeyFile}", error.Message);
        Assert.Contains("check the user, password and key parameter of snapshot.sftp.url", error.Message);
    }

    [Fact]
    public async Task A_pinned_host_key_is_checked()
    {
        var path = await NodeDatabaseAsync("pinned.db", nodeId: 1, rows: 2);
        await using (var pinned = await OpenAsync(StoreConfigs.Sftp(path, 1, _server.Url(_folder, fingerprint: _server.HostKeyFingerprint))))
            await pinned.SaveAsync(CancellationToken.None);

        var other = "SHA256:" + Convert.ToBase64String(SHA256.HashData("another host"u8)).TrimEnd('=');
        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(StoreConfigs.Sftp(path, 1, _server.Url(_folder, fingerprint: other))));

        Assert.Equal($"The SFTP server 127.0.0.1:{_server.Server.Port} presented host key {_server.HostKeyFingerprint}, not {other} as the fingerprint parameter of snapshot.sftp.url says: refused. If the server's key was changed on purpose, put the new fingerprint in snapshot.sftp.url.", error.Message);
    }

    [Fact]
    public async Task A_folder_that_cannot_be_created_is_reported_naming_the_url()
    {
        var blocked = Path.Combine(_server.FilesDirectory, StoreConfigs.Unique("blocked"));
        await File.WriteAllTextAsync(blocked, "a file, not a folder");
        var config = StoreConfigs.Sftp(Directory.File("x.db"), 1, _server.Url(blocked + "/snapshots"));

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.Equal($"The SFTP folder {blocked}/snapshots on {_server.User}@127.0.0.1:{_server.Server.Port} cannot be created: {blocked} is a file, not a folder. Check the path of snapshot.sftp.url.", error.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_naming_the_url()
    {
        var port = FreePort.Next();
        var config = StoreConfigs.Sftp(Directory.File("x.db"), 1, $"sftp://ops@127.0.0.1:{port}/srv?key={Uri.EscapeDataString(_server.ClientKeyFile)}");

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.StartsWith($"Cannot reach the SFTP server 127.0.0.1:{port} to create the folder:", error.Message);
        Assert.EndsWith("Check the host and port of snapshot.sftp.url.", error.Message);
    }
}
