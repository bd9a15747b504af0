using System.Diagnostics;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.NKeys;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>
/// The <c>[nats]</c> settings reach real nats-servers that require them: user/password, a token, an nkey, TLS,
/// WebSocket. What cannot connect says which server, which key and file, and what to check.
/// </summary>
public sealed class ConnectorTests : IDisposable
{
    private readonly TempDirectory _directory = new("harmonylite-connector");

    private static Task<NatsServerProcess> StartAsync(string config) =>
        NatsServerProcess.StartAsync(new NatsServerOptions { ExtraConfig = config });

    private static HarmonyConfig Config(string url, Func<NatsConfig, NatsConfig>? nats = null) =>
        TestMessaging.Config(url) with { Nats = (nats ?? (n => n))(TestMessaging.Config(url).Nats) };

    /// <summary>Connects and replicates one batch through JetStream: the connection is usable, not merely open.</summary>
    private static async Task AssertReplicatesAsync(HarmonyConfig config)
    {
        await using var connection = await TestMessaging.ConnectAsync(config);
        var log = connection.OpenReplicationLog(TestMessaging.UniqueTopology("auth"), new ReplicationLogConfig(), NullLogger.Instance);
        await log.EnsureStreamsAsync(CancellationToken.None);
        var receipt = await log.PublishAsync(1, "batch-1", "payload"u8.ToArray(), CancellationToken.None);
        Assert.Equal(1UL, receipt.Sequence);
    }

    private static async Task<T> AssertRefusedQuicklyAsync<T>(HarmonyConfig config) where T : MessagingException
    {
        var clock = Stopwatch.StartNew();
        // Retries are configured: a refusal is not retried, as retrying the same credentials cannot help.
        var error = await Assert.ThrowsAsync<T>(() => TestMessaging.ConnectAsync(config with { Nats = config.Nats with { ConnectRetries = 5, ReconnectWait = TimeSpan.FromSeconds(2) } }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the refusal took {clock.Elapsed}");
        return error;
    }

    [Fact]
    public async Task User_and_password_from_the_settings_or_the_url_and_a_wrong_password_says_what_to_check()
    {
        await using var server = await StartAsync("authorization { user: alice, password: \"s3cret pass\" }");
        await AssertReplicatesAsync(Config(server.Url, n => n with { UserName = "alice", UserPassword = "s3cret pass" }));
        await AssertReplicatesAsync(Config($"nats://alice:s3cret%20pass@127.0.0.1:{server.Port}"));

        var wrong = await AssertRefusedQuicklyAsync<MessagingAuthenticationException>(Config(server.Url, n => n with { UserName = "alice", UserPassword = "wrong" }));
        Assert.Contains(server.Url, wrong.Message);
        Assert.Contains("nats.user_name and nats.user_password", wrong.Message);
        Assert.Contains("Authorization Violation", wrong.Message);

        var none = await AssertRefusedQuicklyAsync<MessagingAuthenticationException>(Config(server.Url));
        Assert.Contains("requires credentials and none were given", none.Message);
    }

    [Fact]
    public async Task A_token_in_the_url()
    {
        await using var server = await StartAsync("authorization { token: \"t0ken-123\" }");
        await AssertReplicatesAsync(Config($"nats://t0ken-123@127.0.0.1:{server.Port}"));
        var wrong = await AssertRefusedQuicklyAsync<MessagingAuthenticationException>(Config($"nats://nope@127.0.0.1:{server.Port}"));
        Assert.Contains("the token in nats.urls", wrong.Message);
        Assert.DoesNotContain("nope", wrong.Message);
    }

    [Fact]
    public async Task An_nkey_seed_file_signs_in_and_a_stranger_is_told_which_key_the_server_must_list()
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        using var stranger = KeyPair.CreatePair(PrefixByte.User);
        await using var server = await StartAsync($"authorization {{ users: [ {{ nkey: {user.GetPublicKey()} }} ] }}");
        var seedFile = _directory.File("user.nk");
        await File.WriteAllTextAsync(seedFile, user.GetSeed() + "\n");
        await AssertReplicatesAsync(Config(server.Url, n => n with { SeedFile = seedFile }));

        // The block nsc writes around a seed works too.
        var strangerFile = _directory.File("stranger.nk");
        await File.WriteAllTextAsync(strangerFile, $"-----BEGIN USER NKEY SEED-----\n{stranger.GetSeed()}\n------END USER NKEY SEED------\n");
        var refused = await AssertRefusedQuicklyAsync<MessagingAuthenticationException>(Config(server.Url, n => n with { SeedFile = strangerFile }));
        Assert.Contains($"nats.seed_file {strangerFile}", refused.Message);
        Assert.Contains(stranger.GetPublicKey(), refused.Message);
    }

    [Fact]
    public async Task A_missing_or_malformed_seed_file_is_reported_by_key_and_path_before_connecting()
    {
        var missing = _directory.File("missing.nk");
        var error = await Assert.ThrowsAsync<MessagingSettingsException>(() => TestMessaging.ConnectAsync(Config("nats://127.0.0.1:1", n => n with { SeedFile = missing })));
        Assert.Equal("nats.seed_file", error.Setting);
        Assert.Contains(missing, error.Message);

        var garbage = _directory.File("garbage.nk");
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        var seed = pair.GetSeed();
        await File.WriteAllTextAsync(garbage, seed[..10] + (seed[10] == 'A' ? 'B' : 'A') + seed[11..]);
        error = await Assert.ThrowsAsync<MessagingSettingsException>(() => TestMessaging.ConnectAsync(Config("nats://127.0.0.1:1", n => n with { SeedFile = garbage })));
        Assert.Contains($"nats.seed_file {garbage} holds no valid nkey user seed", error.Message);
    }

    [Fact]
    public async Task Nothing_listening_is_tried_connect_retries_more_times_and_then_named_with_its_url()
    {
        var url = $"nats://127.0.0.1:{FreePort.Next()}";
        var logs = new TestLoggerFactory();
        var config = Config(url, n => n with { ConnectRetries = 2, ReconnectWait = TimeSpan.FromMilliseconds(100) });
        var error = await Assert.ThrowsAsync<MessagingUnavailableException>(() => TestMessaging.ConnectAsync(config, logs));
        Assert.Contains($"{url}: connection refused", error.Message);
        Assert.Contains("nats.urls", error.Message);
        Assert.Equal(3, logs.Entries.Count(e => e.Message.Contains($"Connecting to NATS server {url} failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_ws_url_connects_through_the_servers_websocket_listener()
    {
        var port = FreePort.Next();
        await using var server = await StartAsync($"websocket {{ listen: \"127.0.0.1:{port}\", no_tls: true }}");
        await AssertReplicatesAsync(Config($"ws://127.0.0.1:{port}"));
    }

    [Theory]
    [InlineData("nats://alice:p%40ss@127.0.0.1:4222", "nats://127.0.0.1:4222", "alice", "p@ss", null)]
    [InlineData("nats://t0ken@host.example:4333", "nats://host.example:4333", null, null, "t0ken")]
    [InlineData("127.0.0.1:4222", "nats://127.0.0.1:4222", null, null, null)]
    [InlineData("tls://host.example", "tls://host.example:4222", null, null, null)]
    [InlineData("wss://user:pw@host.example/nats", "wss://host.example/nats", "user", "pw", null)]
    public void Urls_give_their_credentials_to_the_client_and_keep_them_out_of_what_is_shown(string text, string url, string? user, string? password, string? token)
    {
        var parsed = Engine.Messaging.Internal.NatsServerUrl.Parse(text, "nats.urls");
        Assert.Equal((url, user, password, token), (parsed.Url, parsed.User, parsed.Password, parsed.Token));
    }

    [Fact]
    public void A_url_of_another_scheme_is_refused_naming_the_key_without_its_secret()
    {
        var error = Assert.Throws<MessagingSettingsException>(() => Engine.Messaging.Internal.NatsServerUrl.Parse("http://me:secret@host:80", "nats.urls"));
        Assert.Equal("nats.urls", error.Setting);
        Assert.Contains("http://", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
