using System.Text;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class PublishSubscribeTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public PublishSubscribeTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task Connect_reads_server_info()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        Assert.Equal(NatsConnectionState.Connected, nats.State);
        Assert.NotNull(nats.ServerInfo);
        Assert.True(nats.ServerInfo!.Headers);
        Assert.True(nats.ServerInfo.JetStream);
        Assert.Equal(1024 * 1024, nats.ServerInfo.MaxPayload);
        Assert.Equal(_server.Server.Options.ServerName, nats.ServerInfo.ServerName);
    }

    [Fact]
    public async Task Published_message_reaches_a_subscriber_on_another_connection()
    {
        await using var publisher = await Connect.ToAsync(_server.Url);
        await using var subscriber = await Connect.ToAsync(_server.Url);
        await using var sub = await subscriber.SubscribeAsync("pubsub.basic.*");

        await publisher.PublishAsync("pubsub.basic.one", "hello"u8.ToArray(), replyTo: "pubsub.reply");

        var msg = await sub.NextAsync();
        Assert.Equal("pubsub.basic.one", msg.Subject);
        Assert.Equal("pubsub.reply", msg.ReplyTo);
        Assert.Equal("hello", Encoding.UTF8.GetString(msg.Data.Span));
        Assert.Null(msg.Headers);
    }

    [Fact]
    public async Task Empty_payload_and_binary_payload_with_line_breaks_arrive_intact()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        await using var sub = await nats.SubscribeAsync("pubsub.binary");
        var binary = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).Concat("\r\nMSG x 1 2\r\n"u8.ToArray()).ToArray();

        await nats.PublishAsync("pubsub.binary", ReadOnlyMemory<byte>.Empty);
        await nats.PublishAsync("pubsub.binary", binary);

        Assert.Equal(0, (await sub.NextAsync()).Data.Length);
        Assert.Equal(binary, (await sub.NextAsync()).Data.ToArray());
    }

    [Fact]
    public async Task Headers_roundtrip_with_multiple_values_per_name()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        await using var sub = await nats.SubscribeAsync("pubsub.headers");
        var headers = new NatsHeaders { ["Nats-Msg-Id"] = "abc-1" };
        headers.Add("X-Multi", "first");
        headers.Add("X-Multi", "second value");
        headers.Add("x-multi", "other case");

        await nats.PublishAsync("pubsub.headers", "body"u8.ToArray(), headers);

        var msg = await sub.NextAsync();
        Assert.NotNull(msg.Headers);
        Assert.Equal("abc-1", msg.Headers!["Nats-Msg-Id"]);
        Assert.Equal(new[] { "first", "second value" }, msg.Headers.GetValues("X-Multi"));
        Assert.Equal(new[] { "other case" }, msg.Headers.GetValues("x-multi"));
        Assert.Equal(3, msg.Headers.Count);
        Assert.Null(msg.StatusCode);
        Assert.Equal("body", Encoding.UTF8.GetString(msg.Data.Span));
    }

    [Fact]
    public async Task Queue_group_members_each_get_a_share_and_every_message_goes_to_exactly_one()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var members = new List<NatsSubscription>();
        for (var i = 0; i < 3; i++) members.Add(await nats.SubscribeAsync("pubsub.queue", "workers"));
        const int count = 300;

        for (var i = 0; i < count; i++) await nats.PublishAsync("pubsub.queue", Encoding.UTF8.GetBytes(i.ToString()));
        await nats.PingAsync();

        var received = new List<string>();
        await Eventually.WaitUntilAsync(() =>
        {
            foreach (var m in members) received.AddRange(m.Messages.Drain().Select(x => Encoding.UTF8.GetString(x.Data.Span)));
            return received.Count >= count;
        }, "all queue messages delivered", describe: () => $"{received.Count} received");
        Assert.Equal(count, received.Count);
        Assert.Equal(count, received.Distinct().Count());
        foreach (var m in members) await m.DisposeAsync();
    }

    [Fact]
    public async Task Auto_unsubscribe_stops_after_the_given_total_and_completes_the_channel()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var sub = await nats.SubscribeAsync("pubsub.auto");
        await sub.UnsubscribeAsync(afterMessages: 3);

        for (var i = 0; i < 10; i++) await nats.PublishAsync("pubsub.auto", new[] { (byte)i });
        await nats.PingAsync();

        var got = new List<byte>();
        await foreach (var msg in sub.Messages.ReadAllAsync(new CancellationTokenSource(Receive.Timeout).Token)) got.Add(msg.Data.Span[0]);
        Assert.Equal(new byte[] { 0, 1, 2 }, got);
    }

    [Fact]
    public async Task Unsubscribe_completes_the_channel_and_no_more_messages_arrive()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var sub = await nats.SubscribeAsync("pubsub.unsub");
        await nats.PublishAsync("pubsub.unsub", "1"u8.ToArray());
        Assert.Equal("1", Encoding.UTF8.GetString((await sub.NextAsync()).Data.Span));

        await sub.UnsubscribeAsync();
        await nats.PublishAsync("pubsub.unsub", "2"u8.ToArray());
        await nats.PingAsync();

        Assert.True(await sub.CompletesAsync());
    }

    [Fact]
    public async Task Publishing_more_than_max_payload_throws_and_the_connection_stays_usable()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        await using var sub = await nats.SubscribeAsync("pubsub.big");
        var max = (int)nats.ServerInfo!.MaxPayload;

        var error = await Assert.ThrowsAsync<NatsPayloadTooLargeException>(async () => await nats.PublishAsync("pubsub.big", new byte[max + 1]));
        Assert.Equal(max, error.MaxPayload);
        await Assert.ThrowsAsync<NatsPayloadTooLargeException>(async () =>
            await nats.PublishAsync("pubsub.big", new byte[max - 10], new NatsHeaders { ["X-Pad"] = new string('x', 64) }));

        await nats.PublishAsync("pubsub.big", new byte[max]);
        Assert.Equal(max, (await sub.NextAsync()).Data.Length);
        Assert.Equal(NatsConnectionState.Connected, nats.State);
    }

    [Fact]
    public async Task Invalid_subjects_are_rejected_before_anything_is_sent()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        await Assert.ThrowsAsync<ArgumentException>(async () => await nats.PublishAsync("bad subject", default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await nats.PublishAsync("", default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await nats.PublishAsync("a\r\nPUB x 0", default));
        await Assert.ThrowsAsync<ArgumentException>(() => nats.SubscribeAsync("a..b"));
        await nats.PingAsync();
    }
}
