using Xunit;

namespace HarmonyLite.TestSupport;

/// <summary>
/// An S3-compatible server on loopback: s3rver (npm, pinned in tests/npm, installed by ./build.sh setup), its data
/// in a temp directory. It knows one account, <see cref="AccessKey"/>/<see cref="Secret"/>. It refuses an unknown
/// access key, but it does not check v4 signatures (so a wrong secret passes), payload hashes, or permissions.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";
    public const string Secret = "S3RVER";

    private readonly TempDirectory _data = new("s3rver");
    private LoopbackServerProcess? _server;

    /// <summary><c>snapshot.s3.endpoint</c> for this server (plain http: <c>use_ssl = false</c>).</summary>
    public string Endpoint => $"127.0.0.1:{Server.Port}";

    /// <summary>Where the server keeps buckets and objects.</summary>
    public string DataDirectory => _data.Path;

    public LoopbackServerProcess Server => _server ?? throw new InvalidOperationException("s3rver has not started.");

    public async Task InitializeAsync()
    {
        var script = RepositoryLayout.Path("tests", "npm", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) throw new FileNotFoundException($"{script} is missing. Run ./build.sh setup (it runs npm ci in tests/npm).", script);
        var node = ExecutableLookup.Find("node", "Debian/Ubuntu: apt-get install nodejs npm");
        _server = await LoopbackServerProcess.StartAsync("s3rver",
            port => [node, script, "--directory", _data.Path, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets"]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _data.Dispose();
    }
}
