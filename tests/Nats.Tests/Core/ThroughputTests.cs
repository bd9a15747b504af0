using System.Buffers.Binary;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class ThroughputTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public ThroughputTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task One_hundred_thousand_messages_arrive_exactly_once_and_in_order()
    {
        const int count = 100_000;
        await using var publisher = await Connect.ToAsync(_server.Url);
        // Room for every message: on a busy machine the reader may fall far behind, and the point here is
        // exact counting through the protocol path, not the slow-consumer policy (tested below).
        await using var subscriber = await Connect.ToAsync(_server.Url, o => o with { SubscriptionCapacity = count });
        await using var sub = await subscriber.SubscribeAsync("throughput.many");
        var received = 0;
        var outOfOrder = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var msg in sub.Messages.ReadAllAsync())
            {
                if (BinaryPrimitives.ReadInt32LittleEndian(msg.Data.Span) != received) outOfOrder++;
                if (++received == count) return;
            }
        });

        var payload = new byte[128];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, i);
            await publisher.PublishAsync("throughput.many", payload);
        }
        await publisher.PingAsync();
        await subscriber.PingAsync();

        await Eventually.WaitUntilAsync(() => reader.IsCompleted, "every message read", TimeSpan.FromSeconds(60),
            () => $"{Volatile.Read(ref received)} received, {sub.DroppedMessages} dropped");
        await reader;
        Assert.Equal(count, received);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, sub.DroppedMessages);
        // The subscriber's PONG came after every message the server had for it: nothing more can be on its way.
        Assert.False(sub.Messages.TryRead(out _), "no message beyond the published ones");
    }

    [Fact]
    public async Task A_slow_consumer_drops_and_counts_instead_of_stalling_the_connection()
    {
        await using var nats = await Connect.ToAsync(_server.Url, o => o with { SubscriptionCapacity = 10 });
        await using var slow = await nats.SubscribeAsync("throughput.slow");
        await using var other = await nats.SubscribeAsync("throughput.other");

        for (var i = 0; i < 50; i++) await nats.PublishAsync("throughput.slow", new[] { (byte)i });
        await nats.PublishAsync("throughput.other", "still flowing"u8.ToArray());
        await nats.PingAsync();

        Assert.Equal("throughput.other", (await other.NextAsync()).Subject);
        Assert.Equal(40, slow.DroppedMessages);
        var kept = slow.Messages.Drain().Select(m => (int)m.Data.Span[0]).ToList();
        Assert.Equal(Enumerable.Range(0, 10), kept);
    }
}
