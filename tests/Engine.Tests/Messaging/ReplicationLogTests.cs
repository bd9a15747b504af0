using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Tests.EmbeddedNats;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>The replication log against a real nats-server: streams, publish acknowledgements, ranges, feeds.</summary>
public sealed class ReplicationLogTests : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly NatsServerFixture _nats;
    private readonly TestLoggerFactory _logs = new();
    private MessagingConnection _connection = null!;

    public ReplicationLogTests(NatsServerFixture nats) => _nats = nats;

    public async Task InitializeAsync() => _connection = await TestMessaging.ConnectAsync(_nats.Url, _logs);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    private ReplicationLog Log(ReplicationTopology topology, ReplicationLogConfig? config = null) =>
        _connection.OpenReplicationLog(topology, config ?? new ReplicationLogConfig(), _logs.CreateLogger("streams"));

    [Fact]
    public async Task Streams_are_created_once_per_shard_and_a_difference_is_logged_rather_than_applied()
    {
        var topology = TestMessaging.UniqueTopology("ensure", shards: 2);
        var ranges = await Log(topology, new ReplicationLogConfig { MaxEntries = 100 }).EnsureStreamsAsync(CancellationToken.None);
        Assert.Equal(topology.StreamNames, ranges.Select(r => r.Stream));
        Assert.All(ranges, r => Assert.Equal(0, r.Messages));

        await Log(topology, new ReplicationLogConfig { MaxEntries = 200 }).EnsureStreamsAsync(CancellationToken.None);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("max_entries 100 -> 200") && e.Message.Contains("update_existing"));
    }

    [Fact]
    public async Task More_replicas_than_a_single_server_holds_are_clamped_with_a_warning()
    {
        var log = Log(TestMessaging.UniqueTopology("clamp"), new ReplicationLogConfig { Replicas = 3 });
        await log.EnsureStreamsAsync(CancellationToken.None);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("3 replicas do not fit"));
        Assert.Equal(1UL, (await log.PublishAsync(1, "b", "x"u8.ToArray(), CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task A_batch_published_twice_is_stored_once_and_the_second_acknowledgement_is_a_success()
    {
        var log = Log(TestMessaging.UniqueTopology("dedup"));
        await log.EnsureStreamsAsync(CancellationToken.None);
        var first = await log.PublishAsync(1, "node-1-batch-7", "changes"u8.ToArray(), CancellationToken.None);
        var again = await log.PublishAsync(1, "node-1-batch-7", "changes"u8.ToArray(), CancellationToken.None);
        var next = await log.PublishAsync(1, "node-1-batch-8", "more"u8.ToArray(), CancellationToken.None);

        Assert.Equal((log.Topology.StreamName(1), 1UL, false), (first.Stream, first.Sequence, first.Duplicate));
        Assert.Equal((1UL, true), (again.Sequence, again.Duplicate));
        Assert.Equal(2UL, next.Sequence);
        var range = await log.ReadRangeAsync(log.Topology.StreamName(1), CancellationToken.None);
        Assert.Equal((1UL, 2UL, 2L), (range.FirstSequence, range.LastSequence, range.Messages));
        Assert.True(range.Bytes > 0);
        Assert.True(_connection.Statistics.PublishedMessages >= 3);
    }

    [Fact]
    public async Task A_stream_nobody_created_reads_as_empty()
    {
        var range = await Log(TestMessaging.UniqueTopology("none")).ReadRangeAsync("never-created", CancellationToken.None);
        Assert.Equal(StreamRange.Empty("never-created"), range);
    }

    [Fact]
    public async Task A_batch_larger_than_the_servers_max_payload_is_refused_without_retrying()
    {
        await using var small = await NatsServerProcess.StartAsync(new NatsServerOptions { ExtraConfig = "max_payload: 4096" });
        await using var connection = await TestMessaging.ConnectAsync(small.Url);
        var log = connection.OpenReplicationLog(TestMessaging.UniqueTopology("big"), new ReplicationLogConfig(), _logs.CreateLogger("streams"));
        await log.EnsureStreamsAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<MessagePayloadTooLargeException>(() => log.PublishAsync(1, "huge", new byte[10_000], CancellationToken.None));
        Assert.Equal(10_000, error.Size);
        Assert.Equal(1, connection.Statistics.Errors(MessagingErrorKind.PayloadTooLarge));
    }

    [Fact]
    public async Task A_feed_delivers_from_its_position_in_order_and_acknowledged_messages_are_not_delivered_again()
    {
        var log = Log(TestMessaging.UniqueTopology("feed"));
        await log.EnsureStreamsAsync(CancellationToken.None);
        for (var i = 1; i <= 5; i++) await log.PublishAsync(1, $"batch-{i}", new[] { (byte)i }, CancellationToken.None);
        var stream = log.Topology.StreamName(1);

        var seen = new List<(ulong, string?, byte)>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var feed = await log.OpenFeedAsync(stream, "reader", 3, "test reader", CancellationToken.None);
            await foreach (var message in feed.ReadAllAsync(timeout.Token))
            {
                await message.InProgressAsync(CancellationToken.None);
                seen.Add((message.Sequence, message.BatchId, message.Data.Span[0]));
                await message.AckAsync(CancellationToken.None);
                if (message.Sequence == 5) break;
            }
        }
        Assert.Equal([(3UL, "batch-3", (byte)3), (4UL, "batch-4", (byte)4), (5UL, "batch-5", (byte)5)], seen);
        Assert.True(_connection.Statistics.ReceivedMessages >= 3);

        // Opened again at the next position, the same durable name delivers only what follows.
        await log.PublishAsync(1, "batch-6", new byte[] { 6 }, CancellationToken.None);
        using var again = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reopened = await log.OpenFeedAsync(stream, "reader", 6, "test reader", CancellationToken.None);
        await foreach (var message in reopened.ReadAllAsync(again.Token))
        {
            Assert.Equal(6UL, message.Sequence);
            await message.AckAsync(CancellationToken.None);
            break;
        }
    }
}
