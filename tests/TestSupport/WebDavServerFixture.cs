using Xunit;

namespace HarmonyLite.TestSupport;

/// <summary>
/// A WebDAV server on loopback: <c>rclone serve webdav</c> (Debian's rclone, installed by ./build.sh setup) sharing a
/// temp directory, with Basic authentication for <see cref="Login"/>/<see cref="Secret"/>.
/// </summary>
public sealed class WebDavServerFixture : IAsyncLifetime
{
    public const string Login = "harmony";
    public const string Secret = "dav-secret-2718";

    private readonly TempDirectory _root = new("webdav-root");
    private readonly TempDirectory _state = new("webdav-rclone");
    private LoopbackServerProcess? _server;

    /// <summary>The folder the server shares; a WebDAV path /a/b is <c>a/b</c> under it.</summary>
    public string RootDirectory => _root.Path;

    public LoopbackServerProcess Server => _server ?? throw new InvalidOperationException("rclone has not started.");

    /// <summary>A <c>snapshot.webdav.url</c> for <paramref name="dir"/>, with the right login unless others are given.</summary>
    public string Url(string dir, string login = Login, string secret = Secret) =>
        $"http://127.0.0.1:{Server.Port}/?dir={Uri.EscapeDataString(dir)}&login={Uri.EscapeDataString(login)}&secret={Uri.EscapeDataString(secret)}";

    public async Task InitializeAsync()
    {
        var rclone = ExecutableLookup.Find("rclone", "Debian/Ubuntu: apt-get install rclone");
        // An empty configuration of its own: rclone needs no remotes to serve a local folder.
        var config = _state.File("rclone.conf");
        await File.WriteAllTextAsync(config, "");
        _server = await LoopbackServerProcess.StartAsync("rclone serve webdav",
            port => [rclone, "serve", "webdav", _root.Path, "--addr", $"127.0.0.1:{port}", "--user", Login, "--pass", Secret, "--config", config, "--log-level", "ERROR"]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _state.Dispose();
        _root.Dispose();
    }
}
