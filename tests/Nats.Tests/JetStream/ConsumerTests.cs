using System.Diagnostics;
using System.Text;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class ConsumerTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);
    private readonly NatsServerFixture _server;

    public ConsumerTests(NatsServerFixture server) => _server = server;

    private async Task<(NatsConnection Nats, JetStreamContext Js, string Stream, string Subject)> StreamAsync(string prefix, StorageType storage = StorageType.Memory)
    {
        var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name(prefix);
        var subject = stream.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Storage = storage });
        return (nats, js, stream, subject);
    }

    private static async Task PublishManyAsync(JetStreamContext js, string subject, int count, int inFlight = 256)
    {
        for (var start = 0; start < count; start += inFlight)
        {
            var n = Math.Min(inFlight, count - start);
            await Task.WhenAll(Enumerable.Range(start, n).Select(i => js.PublishAsync(subject, Encoding.ASCII.GetBytes(i.ToString()))));
        }
    }

    [Fact]
    public async Task Fifty_thousand_acked_messages_are_consumed_exactly_once()
    {
        const int count = 50_000;
        var (nats, js, stream, subject) = await StreamAsync("BULK", StorageType.File);
        await using var _ = nats;
        await PublishManyAsync(js, $"{subject}.m", count);
        Assert.Equal((ulong)count, (await js.GetStreamInfoAsync(stream)).State.Messages);

        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("bulk") { AckWait = TimeSpan.FromMinutes(1) });
        using var cts = new CancellationTokenSource(TestTimeout);
        var seen = new HashSet<ulong>();
        var deliveries = 0;
        await foreach (var msg in consumer.ConsumeAsync(new ConsumeOptions { MaxMessages = 1000 }, cts.Token))
        {
            deliveries++;
            Assert.True(seen.Add(msg.Metadata.StreamSequence), $"stream sequence {msg.Metadata.StreamSequence} delivered twice");
            Assert.Equal(1UL, msg.Metadata.NumDelivered);
            await msg.AckAsync(cts.Token);
            if (seen.Count == count) break;
        }
        Assert.Equal(count, deliveries);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (ulong)i), seen.Order());

        await Eventually.WaitUntilAsync(async () =>
        {
            var info = await consumer.RefreshInfoAsync();
            return info.NumAckPending == 0 && info.NumPending == 0 && info.AckFloor.StreamSequence == count;
        }, "every message acknowledged", describe: async () => (await consumer.RefreshInfoAsync()).ToString());
    }

    [Fact]
    public async Task Nak_redelivers_at_once_and_with_delay()
    {
        var (nats, js, stream, subject) = await StreamAsync("NAK");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.x", "a"u8.ToArray());
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("nak"));
        using var cts = new CancellationTokenSource(TestTimeout);

        var first = await FetchOneAsync(consumer, cts.Token);
        Assert.Equal(1UL, first.Metadata.NumDelivered);
        await first.NakAsync(cancellationToken: cts.Token);

        var second = await FetchOneAsync(consumer, cts.Token);
        Assert.Equal(2UL, second.Metadata.NumDelivered);
        Assert.Equal(first.Metadata.StreamSequence, second.Metadata.StreamSequence);
        var nakked = Stopwatch.StartNew();
        await second.NakAsync(TimeSpan.FromMilliseconds(800), cts.Token);

        var third = await FetchOneAsync(consumer, cts.Token);
        Assert.Equal(3UL, third.Metadata.NumDelivered);
        Assert.True(nakked.Elapsed >= TimeSpan.FromMilliseconds(700), $"redelivered after {nakked.Elapsed}, before the nak delay");
        await third.DoubleAckAsync(cts.Token);
        Assert.Empty(await consumer.FetchAsync(new FetchOptions { NoWait = true }, cts.Token).ToListAsync(cts.Token));
    }

    [Fact]
    public async Task Unacked_message_is_redelivered_after_ack_wait_and_term_stops_it()
    {
        var (nats, js, stream, subject) = await StreamAsync("ACKWAIT");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.x", "a"u8.ToArray());
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("ackwait") { AckWait = TimeSpan.FromSeconds(1) });
        using var cts = new CancellationTokenSource(TestTimeout);

        var first = await FetchOneAsync(consumer, cts.Token);
        var delivered = Stopwatch.StartNew();
        var again = await FetchOneAsync(consumer, cts.Token);
        Assert.True(delivered.Elapsed >= TimeSpan.FromMilliseconds(900), $"redelivered after {delivered.Elapsed}");
        Assert.Equal(first.Metadata.StreamSequence, again.Metadata.StreamSequence);
        Assert.Equal(2UL, again.Metadata.NumDelivered);

        await again.TermAsync(cts.Token);
        var after = await consumer.FetchAsync(new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(2) }, cts.Token).ToListAsync(cts.Token);
        Assert.Empty(after);
    }

    [Fact]
    public async Task In_progress_keeps_a_slow_message_from_being_redelivered()
    {
        var (nats, js, stream, subject) = await StreamAsync("WPI");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.x", "slow"u8.ToArray());
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("wpi") { AckWait = TimeSpan.FromSeconds(1) });
        using var cts = new CancellationTokenSource(TestTimeout);

        var msg = await FetchOneAsync(consumer, cts.Token);
        // Work for three ack waits, reporting progress every 300 ms.
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        for (var i = 0; i < 10; i++)
        {
            await ticks.WaitForNextTickAsync(cts.Token);
            await msg.InProgressAsync(cts.Token);
        }
        await msg.DoubleAckAsync(cts.Token);
        var info = await consumer.RefreshInfoAsync(cts.Token);
        Assert.Equal(0, info.NumRedelivered);
        Assert.Equal(1UL, info.AckFloor.StreamSequence);
    }

    [Fact]
    public async Task Durable_consumer_resumes_after_the_client_goes_away()
    {
        var (nats, js, stream, subject) = await StreamAsync("RESUME", StorageType.File);
        await using (nats)
        {
            await PublishManyAsync(js, $"{subject}.r", 20);
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("resumer"));
            await foreach (var msg in consumer.FetchAsync(new FetchOptions { MaxMessages = 10, Expires = TimeSpan.FromSeconds(5) }))
                await msg.DoubleAckAsync();
        }

        await using var second = await Connect.ToAsync(_server.Url);
        var js2 = new JetStreamContext(second);
        var resumed = await js2.GetConsumerAsync(stream, "resumer");
        Assert.Equal(10UL, resumed.Info.AckFloor.StreamSequence);
        var rest = await resumed.FetchAsync(new FetchOptions { MaxMessages = 100, Expires = TimeSpan.FromSeconds(1) }).ToListAsync();
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (ulong)i), rest.Select(m => m.Metadata.StreamSequence));
        Assert.Equal("10", Encoding.ASCII.GetString(rest[0].Data.Span));
    }

    [Fact]
    public async Task Fetch_on_an_empty_stream_returns_promptly_after_expiry()
    {
        var (nats, js, stream, _) = await StreamAsync("EMPTY");
        await using var __ = nats;
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("empty"));

        var watch = Stopwatch.StartNew();
        var none = await consumer.FetchAsync(new FetchOptions { MaxMessages = 10, Expires = TimeSpan.FromSeconds(1) }).ToListAsync();
        Assert.Empty(none);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(3));

        watch.Restart();
        Assert.Empty(await consumer.FetchAsync(new FetchOptions { NoWait = true }).ToListAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"no-wait fetch took {watch.Elapsed}");
    }

    [Fact]
    public async Task Fetch_returns_what_is_there_when_the_batch_is_larger()
    {
        var (nats, js, stream, subject) = await StreamAsync("PARTIAL");
        await using var _ = nats;
        await PublishManyAsync(js, $"{subject}.p", 3);
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("partial") { AckPolicy = AckPolicy.None });
        var watch = Stopwatch.StartNew();
        var got = await consumer.FetchAsync(new FetchOptions { MaxMessages = 10, Expires = TimeSpan.FromSeconds(1) }).ToListAsync();
        Assert.Equal(3, got.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Equal(3UL, (await js.GetConsumerInfoAsync(stream, "partial")).Delivered.StreamSequence);
    }

    [Fact]
    public async Task Deliver_policies_start_where_they_say()
    {
        var (nats, js, stream, subject) = await StreamAsync("POLICY");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.a", "a1"u8.ToArray());
        await js.PublishAsync($"{subject}.b", "b1"u8.ToArray());
        var middle = DateTimeOffset.UtcNow;
        await Eventually.WaitUntilAsync(() => DateTimeOffset.UtcNow > middle.AddMilliseconds(20), "the clock moves past the middle mark");
        await js.PublishAsync($"{subject}.a", "a2"u8.ToArray());
        await js.PublishAsync($"{subject}.b", "b2"u8.ToArray());

        async Task<List<string>> ReadAsync(ConsumerConfig config)
        {
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, config with { AckPolicy = AckPolicy.None });
            var msgs = await consumer.FetchAsync(new FetchOptions { MaxMessages = 10, Expires = TimeSpan.FromMilliseconds(500) }).ToListAsync();
            await js.DeleteConsumerAsync(stream, consumer.Name);
            return msgs.Select(m => Encoding.ASCII.GetString(m.Data.Span)).ToList();
        }

        Assert.Equal(["a1", "b1", "a2", "b2"], await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.All }));
        Assert.Equal(["b2"], await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.Last }));
        Assert.Empty(await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.New }));
        Assert.Equal(["a2", "b2"], await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.ByStartSequence, OptStartSequence = 3 }));
        Assert.Equal(["a2", "b2"], await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.ByStartTime, OptStartTime = middle }));
        Assert.Equal(["a2", "b2"], await ReadAsync(new ConsumerConfig { DeliverPolicy = DeliverPolicy.LastPerSubject, FilterSubject = $"{subject}.*" }));
        Assert.Equal(["b1", "b2"], await ReadAsync(new ConsumerConfig { FilterSubject = $"{subject}.b" }));
    }

    [Fact]
    public async Task Consumers_are_created_updated_listed_and_deleted()
    {
        var (nats, js, stream, _) = await StreamAsync("CONS");
        await using var __ = nats;
        var durable = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("d1") { MaxDeliver = 5, MaxAckPending = 10, AckWait = TimeSpan.FromSeconds(7) });
        Assert.Equal("d1", durable.Name);
        Assert.Equal("d1", durable.Info.Config.DurableName);
        Assert.Equal(5, durable.Info.Config.MaxDeliver);
        Assert.Equal(10, durable.Info.Config.MaxAckPending);
        Assert.Equal(TimeSpan.FromSeconds(7), durable.Info.Config.AckWait);

        var updated = await js.CreateOrUpdateConsumerAsync(stream, durable.Info.Config with { Description = "updated", MaxAckPending = 20 });
        Assert.Equal("updated", updated.Info.Config.Description);
        Assert.Equal(20, updated.Info.Config.MaxAckPending);

        var ephemeral = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig { InactiveThreshold = TimeSpan.FromMinutes(1) });
        Assert.False(string.IsNullOrEmpty(ephemeral.Name));
        Assert.Null(ephemeral.Info.Config.DurableName);

        var named = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig { Name = "eph-named", InactiveThreshold = TimeSpan.FromMinutes(1) });
        Assert.Equal("eph-named", named.Name);

        var names = await js.ListConsumerNamesAsync(stream).ToListAsync();
        Assert.Equal(new[] { "d1", "eph-named", ephemeral.Name }.Order(), names.Order());
        Assert.Equal(3, (await js.ListConsumersAsync(stream).ToListAsync()).Count);

        Assert.True(await js.DeleteConsumerAsync(stream, "d1"));
        var missing = await Assert.ThrowsAsync<JetStreamApiException>(() => js.GetConsumerInfoAsync(stream, "d1"));
        Assert.Equal(JetStreamErrorCode.ConsumerNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task Consume_ends_with_a_clear_error_when_the_consumer_is_deleted()
    {
        var (nats, js, stream, subject) = await StreamAsync("DELCONS");
        await using var _ = nats;
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("victim"));
        using var cts = new CancellationTokenSource(TestTimeout);
        var consuming = Task.Run(async () =>
        {
            await foreach (var msg in consumer.ConsumeAsync(new ConsumeOptions { Expires = TimeSpan.FromSeconds(10) }, cts.Token))
                await msg.AckAsync(cts.Token);
        });
        await js.PublishAsync($"{subject}.x", "x"u8.ToArray());
        await Eventually.WaitUntilAsync(async () => (await consumer.RefreshInfoAsync()).AckFloor.StreamSequence == 1, "the first message is acked");
        await js.DeleteConsumerAsync(stream, "victim");

        var ex = await Assert.ThrowsAsync<JetStreamConsumeException>(() => consuming);
        Assert.Equal("victim", ex.Consumer);
        Assert.Contains("deleted", ex.Message);
    }

    [Fact]
    public async Task Consume_tops_up_pulls_beyond_one_batch_and_waits_for_new_messages()
    {
        var (nats, js, stream, subject) = await StreamAsync("TOPUP");
        await using var _ = nats;
        await PublishManyAsync(js, $"{subject}.t", 25);
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("topup"));
        using var cts = new CancellationTokenSource(TestTimeout);
        var received = new List<ulong>();
        var publishedLate = false;
        Task late = Task.CompletedTask;
        await foreach (var msg in consumer.ConsumeAsync(new ConsumeOptions { MaxMessages = 4, Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromMilliseconds(500) }, cts.Token))
        {
            received.Add(msg.Metadata.StreamSequence);
            await msg.AckAsync(cts.Token);
            if (received.Count == 25 && !publishedLate)
            {
                publishedLate = true;
                // Published after several pull requests expired: the consume must still be pulling.
                late = Task.Run(async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(3), cts.Token);
                    await js.PublishAsync($"{subject}.t", "late"u8.ToArray(), cancellationToken: cts.Token);
                });
            }
            if (received.Count == 26) break;
        }
        await late;
        Assert.Equal(Enumerable.Range(1, 26).Select(i => (ulong)i), received);
    }

    private static async Task<JetStreamMsg> FetchOneAsync(JetStreamConsumer consumer, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            await foreach (var msg in consumer.FetchAsync(new FetchOptions { MaxMessages = 1, Expires = TimeSpan.FromSeconds(3) }, cancellationToken))
                return msg;
        }
        throw new TimeoutException($"No message from consumer {consumer.Name} within 15 s.");
    }
}
