using System.Diagnostics;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class OrderedConsumerTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public OrderedConsumerTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task Reading_the_current_content_ends_even_when_messages_vanish_before_delivery()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name("VANISH");
        var subject = stream.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Storage = StorageType.Memory });
        for (var i = 0; i < 3; i++) await js.PublishAsync($"{subject}.m", new[] { (byte)i });

        await using var consumer = new OrderedConsumer(js, new OrderedConsumerOptions
        {
            Stream = stream,
            FilterSubject = $"{subject}.>",
            MaxMessages = 1,
            IdleHeartbeat = TimeSpan.FromMilliseconds(300),
        });
        await consumer.StartAsync(CancellationToken.None);
        Assert.Equal(3UL, consumer.InitialPending);
        await js.PurgeStreamAsync(stream);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = Stopwatch.StartNew();
        var read = await consumer.ReadCurrentAsync(cts.Token).ToListAsync(cts.Token);
        Assert.True(read.Count <= 1, $"{read.Count} messages read after the purge");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Reading_continues_in_order_after_the_consumer_is_deleted_under_it()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name("ORDERED");
        var subject = stream.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Storage = StorageType.Memory });
        for (var i = 0; i < 5; i++) await js.PublishAsync($"{subject}.m", new[] { (byte)i });

        await using var consumer = new OrderedConsumer(js, new OrderedConsumerOptions { Stream = stream, FilterSubject = $"{subject}.>", MaxMessages = 2 });
        await consumer.StartAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sequences = new List<ulong>();
        await foreach (var msg in consumer.ReadAllAsync(cts.Token))
        {
            sequences.Add(msg.Metadata.StreamSequence);
            if (sequences.Count == 2)
            {
                // Pull the rug: the consumer is recreated from sequence 3.
                foreach (var name in await js.ListConsumerNamesAsync(stream).ToListAsync(cts.Token))
                    await js.DeleteConsumerAsync(stream, name, cts.Token);
                for (var i = 5; i < 8; i++) await js.PublishAsync($"{subject}.m", new[] { (byte)i }, cancellationToken: cts.Token);
            }
            if (sequences.Count == 8) break;
        }
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (ulong)i), sequences);
    }
}
