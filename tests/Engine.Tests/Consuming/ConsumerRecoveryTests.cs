using HarmonyLite.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit;

namespace HarmonyLite.Engine.Tests.Consuming;

/// <summary>
/// A running consumer rides out what NATS does to it, against a real nats-server: messages lost on the way (issue 11,
/// item 4), its durable consumer deleted, the server killed and restarted. It never stops and never skips a message.
/// </summary>
public sealed class ConsumerRecoveryTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _nats;

    public ConsumerRecoveryTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task A_delivery_jump_while_the_stream_still_holds_the_messages_recreates_the_consumer_and_applies_every_one()
    {
        await using var pair = await ReplicationPair.CreateAsync(_nats.Url);
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (1, 'one');");
        await pair.StartConsumerAsync();
        await pair.WaitForTargetAsync(1);

        // Another puller on node 2's durable consumer takes a message and never acknowledges it, as a connection lost with
        // messages in flight does: node 2 is then handed #4 right after #2 while the stream still holds #3.
        await using var thief = new NatsConnection(new NatsOpts { Url = _nats.Url, Name = "thief" });
        var js = new NatsJSContext(thief);
        var consumer = await js.GetConsumerAsync(pair.Stream, pair.ConsumerName);
        var stolen = Task.Run(async () =>
        {
            await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(60) }))
                return message.Metadata!.Value.Sequence.Stream;
            return 0UL;
        });
        await Eventually.WaitUntilAsync(async () => (await js.GetConsumerAsync(pair.Stream, pair.ConsumerName)).Info.NumWaiting >= 2,
            "node 2's and the thief's pull requests both waiting");
        for (var id = 2; id <= 4; id++) await pair.WriteAndPublishAsync($"INSERT INTO t VALUES ({id}, 'row {id}');");
        Assert.Equal(3UL, await stolen.WaitAsync(TimeSpan.FromSeconds(30)));

        await pair.WaitForTargetAsync(4);
        Assert.Equal(4, pair.TargetRows());
        Assert.False(pair.Consuming.IsCompleted, pair.Consuming.Exception?.GetBaseException().Message);
        Assert.Contains(pair.Log.Entries, e => e.Message.Contains($"{pair.Stream} delivered #4 after #2", StringComparison.Ordinal));
        Assert.DoesNotContain(pair.Log.Entries, e => e.Message.Contains("dropped", StringComparison.Ordinal) || e.Message.Contains("copy its database", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_consumer_is_recreated_from_the_applied_position()
    {
        await using var pair = await ReplicationPair.CreateAsync(_nats.Url);
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (1, 'one');");
        await pair.StartConsumerAsync();
        await pair.WaitForTargetAsync(1);

        await using (var admin = new NatsConnection(new NatsOpts { Url = _nats.Url, Name = "admin" }))
            Assert.True(await new NatsJSContext(admin).DeleteConsumerAsync(pair.Stream, pair.ConsumerName));
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (2, 'two');");
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (3, 'three');");

        await pair.WaitForTargetAsync(3);
        Assert.Equal(3, pair.TargetRows());
        Assert.Contains(pair.Log.Entries, e => e.Message.Contains($"Consuming {pair.Stream} from sequence 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replication_resumes_after_the_nats_server_is_killed_and_restarted()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var pair = await ReplicationPair.CreateAsync(server.Url);
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (1, 'before the crash');");
        await pair.StartConsumerAsync();
        await pair.WaitForTargetAsync(1);

        await server.KillAsync();
        var publishing = pair.WriteAndPublishAsync("INSERT INTO t VALUES (2, 'written while the server was down');");
        await server.RestartAsync();
        await publishing.WaitAsync(TimeSpan.FromSeconds(60));
        await pair.WriteAndPublishAsync("INSERT INTO t VALUES (3, 'after the restart');");

        await pair.WaitForTargetAsync(3);
        Assert.Equal(3, pair.TargetRows());
        Assert.Equal(3UL, (await pair.SourceLog.ReadRangeAsync(pair.Stream, CancellationToken.None)).LastSequence);
    }
}
