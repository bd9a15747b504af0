using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>The webdav store against <c>rclone serve webdav</c> on loopback, with Basic authentication.</summary>
public sealed class WebDavStoreTests : RemoteStoreContract, IClassFixture<WebDavServerFixture>
{
    private readonly WebDavServerFixture _server;
    private readonly string _dir;

    public WebDavStoreTests(WebDavServerFixture server)
    {
        _server = server;
        _dir = $"/{StoreConfigs.Unique("snaps")}/harmony lite/nested";
    }

    protected override HarmonyConfig Config(string databasePath, long nodeId, int keep = 3) => StoreConfigs.WebDav(databasePath, nodeId, _server.Url(_dir), keep);

    private string FolderOnServer => Path.Combine(_server.RootDirectory, _dir.TrimStart('/'));

    protected override IReadOnlyList<string> ServerFileNames() => FileNamesIn(FolderOnServer);

    protected override string ServerPath(string name) => Path.Combine(FolderOnServer, name);

    [Fact]
    public async Task The_store_is_described_by_the_folders_url_without_credentials()
    {
        await using var service = await OpenAsync(Config(Directory.File("x.db"), 3));
        Assert.Equal($"WebDAV folder http://127.0.0.1:{_server.Server.Port}{_dir.Replace(" ", "%20", StringComparison.Ordinal)}/", service.Store.Description);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_naming_login_and_secret_and_never_showing_the_secret()
    {
        var config = StoreConfigs.WebDav(Directory.File("x.db"), 1, _server.Url(_dir, secret: "not-the-password-31415"));

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.Contains($"refused the login '{WebDavServerFixture.Login}' (401", error.Message);
        Assert.Contains("check the login and secret parameters of snapshot.webdav.url", error.Message);
        Assert.DoesNotContain("not-the-password-31415", error.ToString());
    }

    [Fact]
    public async Task A_folder_that_cannot_be_created_is_reported_naming_the_url()
    {
        var blocked = StoreConfigs.Unique("blocked");
        await File.WriteAllTextAsync(Path.Combine(_server.RootDirectory, blocked), "a file, not a folder");
        var config = StoreConfigs.WebDav(Directory.File("x.db"), 1, _server.Url($"/{blocked}/snapshots"));

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.Contains($"/{blocked}/snapshots/", error.Message);
        Assert.Contains("snapshot.webdav.url", error.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_naming_the_url()
    {
        var port = FreePort.Next();
        var config = StoreConfigs.WebDav(Directory.File("x.db"), 1, $"http://127.0.0.1:{port}/dav?dir=/s&login=a&secret=b");

        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));

        Assert.StartsWith($"Cannot reach the WebDAV folder http://127.0.0.1:{port}/dav/s/ to look up the folder:", error.Message);
        Assert.EndsWith("Check snapshot.webdav.url.", error.Message);
    }

    [Fact]
    public void Print_config_hides_the_secret_parameter()
    {
        var config = StoreConfigs.WebDav("x.db", 1, "https://dav.example.com/dav?dir=/s&login=ops&secret=hunter2&x=1");

        var printed = Engine.Configuration.ConfigurationJsonWriter.Write(config);

        Assert.DoesNotContain("hunter2", printed);
        Assert.Contains("login=ops&secret=<redacted>&x=1", printed);
    }
}
