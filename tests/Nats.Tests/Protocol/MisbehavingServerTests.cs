using System.Diagnostics;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Protocol;

/// <summary>Malformed or hostile server input ends in a connection error and a reconnect, never a crash or a hang.</summary>
public sealed class MisbehavingServerTests
{
    private static NatsOptions Options(string url) => Connect.Options(url) with
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReconnectWait = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [InlineData("FOO BAR\r\n")]
    [InlineData("MSG a 1 5\r\nhelloXX")]
    [InlineData("MSG a b c d e f\r\n")]
    [InlineData("HMSG a 1 4 4\r\nJUNK\r\n")]
    public async Task Garbage_after_the_handshake_drops_the_connection_and_the_client_reconnects(string garbage)
    {
        await using var peer = new FakeServerPeer(async (index, client, ct) =>
        {
            await client.HandshakeAsync(ct);
            if (index == 0)
            {
                await client.ExpectLineAsync("SUB ", ct);
                await client.SendAsync(garbage, ct);
                await client.IgnoreUntilClosedAsync(ct);
            }
            else await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = new NatsConnection(Options(peer.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        await using var sub = await nats.SubscribeAsync("x");

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "a reconnect after the garbage", describe: () => events.ToString());
        var lost = events.All.First(e => e.Event == NatsConnectionEvent.Disconnected);
        Assert.IsType<NatsProtocolException>(lost.Error);
        await nats.PingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(NatsConnectionState.Connected, nats.State);
    }

    [Fact]
    public async Task Garbage_instead_of_INFO_fails_the_connect_quickly()
    {
        await using var peer = new FakeServerPeer(async (_, client, ct) =>
        {
            await client.SendAsync("HTTP/1.1 200 OK\r\n\r\n", ct);
            await client.IgnoreUntilClosedAsync(ct);
        });
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(Options(peer.Url)));
        Assert.IsType<NatsProtocolException>(error.InnerException);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out_instead_of_hanging()
    {
        await using var peer = new FakeServerPeer(async (_, client, ct) =>
        {
            await client.SendAsync(FakeServerPeer.Info, ct);
            await client.IgnoreUntilClosedAsync(ct);
        });
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(Options(peer.Url) with { ConnectTimeout = TimeSpan.FromMilliseconds(500) }));
        Assert.Contains("timed out", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Unanswered_pings_mark_the_connection_stale_and_it_reconnects()
    {
        await using var peer = new FakeServerPeer(async (index, client, ct) =>
        {
            await client.HandshakeAsync(ct);
            if (index == 0) await client.IgnoreUntilClosedAsync(ct);
            else await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = new NatsConnection(Options(peer.Url) with { PingInterval = TimeSpan.FromMilliseconds(100), MaxPingsOutstanding = 2 });
        var events = new EventLog(nats);
        await nats.ConnectAsync();

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "a reconnect after the stale connection", describe: () => events.ToString());
        var lost = events.All.First(e => e.Event == NatsConnectionEvent.Disconnected);
        Assert.Contains("stale", lost.Error!.Message);
    }

    [Fact]
    public async Task Server_stale_connection_error_triggers_a_reconnect_and_a_permissions_error_does_not()
    {
        await using var peer = new FakeServerPeer(async (index, client, ct) =>
        {
            await client.HandshakeAsync(ct);
            if (index == 0)
            {
                await client.SendAsync("-ERR 'Permissions Violation for Publish to \"secret\"'\r\n", ct);
                await client.ExpectLineAsync("PING", ct);
                await client.SendAsync("PONG\r\n-ERR 'Stale Connection'\r\n", ct);
                await client.IgnoreUntilClosedAsync(ct);
            }
            else await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = new NatsConnection(Options(peer.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        await nats.PingAsync();

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "a reconnect after 'Stale Connection'", describe: () => events.ToString());
        Assert.Contains(events.All, e => e.Event == NatsConnectionEvent.ServerError && e.Message!.StartsWith("Permissions Violation", StringComparison.Ordinal));
        Assert.Equal(new[] { NatsConnectionEvent.Connected, NatsConnectionEvent.Disconnected, NatsConnectionEvent.Reconnected }, events.Lifecycle);
    }

    [Fact]
    public async Task A_server_closing_the_socket_mid_message_leads_to_a_reconnect()
    {
        await using var peer = new FakeServerPeer(async (index, client, ct) =>
        {
            await client.HandshakeAsync(ct);
            if (index == 0)
            {
                var sub = await client.ExpectLineAsync("SUB ", ct);
                var sid = sub.Split(' ')[^1];
                await client.SendAsync($"MSG x {sid} 100\r\nonly part of it", ct);
                return; // closes the socket
            }
            await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = new NatsConnection(Options(peer.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        await using var sub = await nats.SubscribeAsync("x");

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "a reconnect after the half message", describe: () => events.ToString());
        Assert.False(sub.Messages.TryRead(out _));
    }

    [Fact]
    public async Task Credentials_refused_on_reconnect_close_the_connection_instead_of_retrying_forever()
    {
        await using var peer = new FakeServerPeer(async (index, client, ct) =>
        {
            if (index == 0)
            {
                await client.HandshakeAsync(ct);
                return; // drop the client: it reconnects
            }
            await client.SendAsync(FakeServerPeer.Info, ct);
            await client.ExpectLineAsync("CONNECT ", ct);
            await client.SendAsync("-ERR 'Authorization Violation'\r\n", ct);
        });
        await using var nats = new NatsConnection(Options(peer.Url) with { MaxReconnectAttempts = -1 });
        var events = new EventLog(nats);
        await nats.ConnectAsync();

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Closed) == 1, "the client gives up on refused credentials", describe: () => events.ToString());
        Assert.IsType<NatsAuthorizationException>(events.All.Last().Error);
        Assert.Equal(2, peer.Accepted);
    }
}
