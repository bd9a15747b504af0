using System.Diagnostics;
using HarmonyLite.Nats.Security;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Security;

public sealed class AuthenticationTests
{
    private static Task<NatsServerProcess> StartAsync(string authorization) =>
        NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false, ExtraConfig = authorization });

    private static async Task AssertWorksAsync(NatsOptions options)
    {
        await using var nats = await NatsConnection.ConnectAsync(options);
        await using var sub = await nats.SubscribeAsync("auth.check");
        await nats.PublishAsync("auth.check", "ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), (await sub.NextAsync()).Data.ToArray());
    }

    private static async Task AssertRefusedQuicklyAsync(NatsOptions options)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<NatsAuthorizationException>(() => NatsConnection.ConnectAsync(options with { ConnectRetries = 5 }));
        Assert.Contains("Authorization Violation", error.ServerError);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"refusal took {clock.Elapsed}");
    }

    [Fact]
    public async Task User_and_password_from_options_or_url()
    {
        await using var server = await StartAsync("authorization { user: alice, password: \"s3cret pass\" }");
        await AssertWorksAsync(Connect.Options(server.Url) with { User = "alice", Password = "s3cret pass" });
        await AssertWorksAsync(Connect.Options($"nats://alice:s3cret%20pass@127.0.0.1:{server.Port}"));
        await AssertRefusedQuicklyAsync(Connect.Options(server.Url) with { User = "alice", Password = "wrong" });
        await AssertRefusedQuicklyAsync(Connect.Options(server.Url));
    }

    [Fact]
    public async Task Token_from_options_or_url()
    {
        await using var server = await StartAsync("authorization { token: \"t0ken-123\" }");
        await AssertWorksAsync(Connect.Options(server.Url) with { Token = "t0ken-123" });
        await AssertWorksAsync(Connect.Options($"nats://t0ken-123@127.0.0.1:{server.Port}"));
        await AssertRefusedQuicklyAsync(Connect.Options(server.Url) with { Token = "nope" });
    }

    [Fact]
    public async Task NKey_seed_signs_the_nonce()
    {
        var user = NKeyPair.Create(NKeyType.User);
        var stranger = NKeyPair.Create(NKeyType.User);
        await using var server = await StartAsync($"authorization {{ users: [ {{ nkey: {user.PublicKey} }} ] }}");
        using var dir = new TempDirectory("nkey");
        var seedFile = dir.File("user.nk");
        await File.WriteAllTextAsync(seedFile, user.Seed + "\n");

        await AssertWorksAsync(Connect.Options(server.Url) with { NKeySeed = user.Seed });
        await AssertWorksAsync(Connect.Options(server.Url) with { NKeySeedFile = seedFile });
        await AssertRefusedQuicklyAsync(Connect.Options(server.Url) with { NKeySeed = stranger.Seed });
    }

    [Fact]
    public async Task Creds_file_with_a_user_JWT_in_operator_mode()
    {
        var op = NKeyPair.Create(NKeyType.Operator);
        var account = NKeyPair.Create(NKeyType.Account);
        var user = NKeyPair.Create(NKeyType.User);
        var accountJwt = Jwt.Account(op, account);
        await using var server = await StartAsync(
            $"operator: {Jwt.Operator(op)}\nresolver: MEMORY\nresolver_preload: {{\n  {account.PublicKey}: {accountJwt}\n}}");
        using var dir = new TempDirectory("creds");
        var creds = dir.File("user.creds");
        await File.WriteAllTextAsync(creds, Jwt.Creds(Jwt.User(account, user), user));

        await AssertWorksAsync(Connect.Options(server.Url) with { CredsFile = creds });

        // A user JWT signed by an account the server does not know is refused.
        var unknownAccount = NKeyPair.Create(NKeyType.Account);
        var badCreds = dir.File("bad.creds");
        await File.WriteAllTextAsync(badCreds, Jwt.Creds(Jwt.User(unknownAccount, user), user));
        await AssertRefusedQuicklyAsync(Connect.Options(server.Url) with { CredsFile = badCreds });
    }

    [Fact]
    public void Unreadable_or_malformed_credentials_are_reported_before_connecting()
    {
        var missing = Assert.Throws<ArgumentException>(() => new NatsConnection(Connect.Options("nats://127.0.0.1:4222") with { CredsFile = "/nonexistent/user.creds" }));
        Assert.Contains("/nonexistent/user.creds", missing.Message);
        var corrupt = NKeyPair.Create(NKeyType.User).Seed;
        corrupt = corrupt[..10] + (corrupt[10] == 'A' ? 'B' : 'A') + corrupt[11..];
        var bad = Assert.Throws<ArgumentException>(() => new NatsConnection(Connect.Options("nats://127.0.0.1:4222") with { NKeySeed = corrupt }));
        Assert.Contains("checksum", bad.Message);
    }
}
