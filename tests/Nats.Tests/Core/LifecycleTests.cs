using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class LifecycleTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public LifecycleTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task Drain_delivers_what_was_published_before_it_then_completes_subscriptions_and_closes()
    {
        await using var publisher = await Connect.ToAsync(_server.Url);
        await using var nats = new NatsConnection(Connect.Options(_server.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        var sub = await nats.SubscribeAsync("lifecycle.drain");
        for (var i = 0; i < 1000; i++) await publisher.PublishAsync("lifecycle.drain", BitConverter.GetBytes(i));
        await publisher.PingAsync();

        await nats.DrainAsync();

        Assert.Equal(NatsConnectionState.Closed, nats.State);
        var received = new List<int>();
        await foreach (var msg in sub.Messages.ReadAllAsync()) received.Add(BitConverter.ToInt32(msg.Data.Span));
        Assert.Equal(Enumerable.Range(0, 1000), received);
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Closed) == 1, "the Closed event", describe: () => events.ToString());
        Assert.Null(events.All.Single(e => e.Event == NatsConnectionEvent.Closed).Error);
        await Assert.ThrowsAsync<NatsConnectionException>(async () => await nats.PublishAsync("lifecycle.drain", default));
    }

    [Fact]
    public async Task Dispose_completes_subscriptions_and_fails_pending_requests()
    {
        await using var responderConnection = await Connect.ToAsync(_server.Url);
        await using var silent = await responderConnection.SubscribeAsync("lifecycle.silent");
        var nats = await Connect.ToAsync(_server.Url);
        var sub = await nats.SubscribeAsync("lifecycle.dispose");
        var request = nats.RequestAsync("lifecycle.silent", default, timeout: TimeSpan.FromSeconds(30));
        await silent.NextAsync();

        await nats.DisposeAsync();

        await Assert.ThrowsAsync<NatsConnectionException>(() => request);
        Assert.True(await sub.CompletesAsync());
        Assert.Equal(NatsConnectionState.Closed, nats.State);
        await nats.DisposeAsync(); // idempotent
        await Assert.ThrowsAsync<NatsConnectionException>(() => nats.SubscribeAsync("lifecycle.after"));
        await Assert.ThrowsAsync<NatsConnectionException>(() => nats.PingAsync());
    }

    [Fact]
    public async Task Messages_published_just_before_dispose_are_flushed()
    {
        await using var subscriber = await Connect.ToAsync(_server.Url);
        await using var sub = await subscriber.SubscribeAsync("lifecycle.flush");
        var nats = await Connect.ToAsync(_server.Url);
        for (var i = 0; i < 100; i++) await nats.PublishAsync("lifecycle.flush", new[] { (byte)i });
        await nats.DisposeAsync();

        for (var i = 0; i < 100; i++) Assert.Equal(i, (await sub.NextAsync()).Data.Span[0]);
    }

    [Fact]
    public async Task Publishing_before_connect_is_refused_with_advice()
    {
        await using var nats = new NatsConnection(Connect.Options(_server.Url));
        Assert.Equal(NatsConnectionState.Disconnected, nats.State);
        var error = await Assert.ThrowsAsync<NatsConnectionException>(async () => await nats.PublishAsync("lifecycle.early", default));
        Assert.Contains("ConnectAsync", error.Message);
    }

    [Fact]
    public async Task Subscriptions_made_before_connect_are_sent_on_connect()
    {
        await using var nats = new NatsConnection(Connect.Options(_server.Url));
        await using var sub = await nats.SubscribeAsync("lifecycle.presub");
        await nats.ConnectAsync();
        await nats.PublishAsync("lifecycle.presub", "x"u8.ToArray());
        Assert.Equal("lifecycle.presub", (await sub.NextAsync()).Subject);
    }

    [Fact]
    public async Task Many_concurrent_publishers_lose_nothing()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        await using var sub = await nats.SubscribeAsync("lifecycle.concurrent.*");
        const int publishers = 8, each = 2000;
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++) await nats.PublishAsync($"lifecycle.concurrent.{p}", BitConverter.GetBytes(i));
        })));
        await nats.PingAsync();

        var perPublisher = sub.Messages.Drain().GroupBy(m => m.Subject).ToDictionary(g => g.Key, g => g.Select(m => BitConverter.ToInt32(m.Data.Span)).ToList());
        Assert.Equal(publishers, perPublisher.Count);
        foreach (var list in perPublisher.Values) Assert.Equal(Enumerable.Range(0, each), list); // each publisher's order kept
    }

    [Fact]
    public async Task Requests_work_again_after_a_reconnect()
    {
        await using var server = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false });
        await using var nats = new NatsConnection(Connect.Options(server.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();
        await using var service = await nats.SubscribeAsync("lifecycle.rpc");
        var responder = Task.Run(async () =>
        {
            await foreach (var msg in service.Messages.ReadAllAsync()) await msg.ReplyAsync(msg.Data);
        });
        Assert.Equal("1"u8.ToArray(), (await nats.RequestAsync("lifecycle.rpc", "1"u8.ToArray())).Data.ToArray());

        await server.KillAsync();
        await server.RestartAsync();
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "the reconnect", describe: () => events.ToString());

        Assert.Equal("2"u8.ToArray(), (await nats.RequestAsync("lifecycle.rpc", "2"u8.ToArray())).Data.ToArray());
        await service.UnsubscribeAsync();
        await responder;
    }
}
