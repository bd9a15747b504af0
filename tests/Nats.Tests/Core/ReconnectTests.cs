using System.Text;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class ReconnectTests
{
    [Fact]
    public async Task After_a_server_crash_and_restart_the_client_reconnects_resubscribes_and_sends_buffered_publishes()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = new NatsConnection(Connect.Options(server.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        await using var sub = await nats.SubscribeAsync("reconnect.>");
        await nats.PublishAsync("reconnect.before", "0"u8.ToArray());
        Assert.Equal("reconnect.before", (await sub.NextAsync()).Subject);

        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Reconnecting, "the client notices the crash", describe: () => events.ToString());
        for (var i = 1; i <= 10; i++) await nats.PublishAsync("reconnect.buffered", Encoding.UTF8.GetBytes(i.ToString()));

        await server.RestartAsync();
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "the client reconnects", describe: () => events.ToString());
        await nats.PingAsync();

        var buffered = new List<string>();
        for (var i = 0; i < 10; i++) buffered.Add(Encoding.UTF8.GetString((await sub.NextAsync()).Data.Span));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString()), buffered);

        await using var other = await Connect.ToAsync(server.Url);
        await other.PublishAsync("reconnect.after", "x"u8.ToArray());
        Assert.Equal("reconnect.after", (await sub.NextAsync()).Subject);
        Assert.Equal(new[] { NatsConnectionEvent.Connected, NatsConnectionEvent.Disconnected, NatsConnectionEvent.Reconnected }, events.Lifecycle);
        var disconnected = events.All.Single(e => e.Event == NatsConnectionEvent.Disconnected);
        Assert.Equal(server.Url, disconnected.Url);
        Assert.IsAssignableFrom<NatsConnectionException>(disconnected.Error);
    }

    [Fact]
    public async Task Auto_unsubscribe_keeps_its_remaining_count_across_a_reconnect()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = new NatsConnection(Connect.Options(server.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        var sub = await nats.SubscribeAsync("reconnect.limited");
        await sub.UnsubscribeAsync(afterMessages: 5);
        for (var i = 0; i < 2; i++) await nats.PublishAsync("reconnect.limited", new[] { (byte)i });
        await sub.NextAsync();
        await sub.NextAsync();

        await server.KillAsync();
        await server.RestartAsync();
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "the client reconnects", describe: () => events.ToString());

        for (var i = 2; i < 10; i++) await nats.PublishAsync("reconnect.limited", new[] { (byte)i });
        await nats.PingAsync();
        var rest = new List<byte>();
        await foreach (var msg in sub.Messages.ReadAllAsync(new CancellationTokenSource(Receive.Timeout).Token)) rest.Add(msg.Data.Span[0]);
        Assert.Equal(new byte[] { 2, 3, 4 }, rest);
    }

    [Fact]
    public async Task Publishing_beyond_the_reconnect_buffer_throws()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = await Connect.ToAsync(server.Url, o => o with { ReconnectBufferSize = 10_000, ReconnectWait = TimeSpan.FromSeconds(30) });
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Reconnecting, "the client notices the crash");

        var payload = new byte[1000];
        var accepted = 0;
        var error = await Assert.ThrowsAsync<NatsException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await nats.PublishAsync("reconnect.full", payload);
                accepted++;
            }
        });
        Assert.InRange(accepted, 8, 10);
        Assert.Contains("ReconnectBufferSize", error.Message);
    }

    [Fact]
    public async Task When_reconnect_attempts_run_out_the_connection_closes_and_subscriptions_complete_with_the_error()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = new NatsConnection(Connect.Options(server.Url) with { MaxReconnectAttempts = 2, ReconnectWait = TimeSpan.FromMilliseconds(50) });
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        var sub = await nats.SubscribeAsync("reconnect.never");

        await server.KillAsync();

        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Closed, "the client gives up", describe: () => events.ToString());
        await Assert.ThrowsAsync<NatsConnectionException>(async () => await sub.Messages.Completion);
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Closed) == 1, "the Closed event", describe: () => events.ToString());
        Assert.Equal(new[] { NatsConnectionEvent.Connected, NatsConnectionEvent.Disconnected, NatsConnectionEvent.Closed }, events.Lifecycle);
        Assert.NotNull(events.All.Last().Error);
        await Assert.ThrowsAsync<NatsConnectionException>(async () => await nats.PublishAsync("reconnect.never", default));
    }

    [Fact]
    public async Task First_connect_to_nothing_fails_after_its_retries_with_a_clear_error()
    {
        var port = FreePort.Next();
        var options = Connect.Options($"nats://127.0.0.1:{port}") with { ConnectRetries = 2, ReconnectWait = TimeSpan.FromMilliseconds(50) };
        var error = await Assert.ThrowsAsync<NatsConnectionException>(() => NatsConnection.ConnectAsync(options));
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("3 round(s)", error.Message);
    }

    [Fact]
    public async Task First_connect_retries_until_a_late_server_comes_up()
    {
        var port = FreePort.Next();
        var options = Connect.Options($"nats://127.0.0.1:{port}") with { ConnectRetries = 200, ReconnectWait = TimeSpan.FromMilliseconds(50) };
        var connecting = NatsConnection.ConnectAsync(options);
        Assert.False(connecting.IsCompleted); // nothing listens yet: the first attempts fail
        await using var server = await NatsServerProcess.StartAsync(new NatsServerOptions { Port = port });
        await using var nats = await connecting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(NatsConnectionState.Connected, nats.State);
    }

    [Fact]
    public async Task PingAsync_while_reconnecting_waits_for_the_reconnect()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = await Connect.ToAsync(server.Url);
        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Reconnecting, "the client notices the crash");

        var ping = nats.PingAsync();
        Assert.False(ping.IsCompleted);
        await server.RestartAsync();
        await ping.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
