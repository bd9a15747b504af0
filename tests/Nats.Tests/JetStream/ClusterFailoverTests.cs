using System.Text;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class ClusterFailoverTests : IClassFixture<NatsClusterFixture>
{
    private readonly NatsClusterFixture _cluster;
    private readonly ITestOutputHelper _output;

    public ClusterFailoverTests(NatsClusterFixture cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
    }

    [Fact]
    public async Task Every_acked_message_is_stored_once_after_losing_the_connected_server()
    {
        const int count = 1000;
        var options = Connect.Options(_cluster.Servers[0].Url) with
        {
            Urls = _cluster.Servers.Select(s => s.Url).ToArray(),
            RequestTimeout = TimeSpan.FromSeconds(2),
        };
        await using var nats = await NatsConnection.ConnectAsync(options);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name("FAILOVER");
        var subject = stream.ToLowerInvariant();
        // Right after start the cluster may still be electing its JetStream meta leader.
        await Eventually.WaitUntilAsync(async () =>
        {
            await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Replicas = 3, Storage = StorageType.File });
            return true;
        }, "an R3 stream is created", TimeSpan.FromSeconds(60));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var acked = 0;
        var retried = 0;
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                // Retry a publish until its ack arrives, always with the same message id.
                while (true)
                {
                    try
                    {
                        await js.PublishAsync($"{subject}.m", Encoding.ASCII.GetBytes(i.ToString()),
                            options: new JetStreamPublishOptions { MsgId = $"msg-{i}", RetryAttempts = 0 }, cancellationToken: cts.Token);
                        Interlocked.Increment(ref acked);
                        break;
                    }
                    catch (NatsException)
                    {
                        Interlocked.Increment(ref retried);
                        await Task.Delay(100, cts.Token);
                    }
                }
            }
        });

        await Eventually.WaitUntilAsync(() => Volatile.Read(ref acked) >= count / 4, "a quarter of the messages are acked");
        var connectedPort = new Uri(nats.ConnectedUrl!).Port;
        var victim = _cluster.Servers.Single(s => s.Port == connectedPort);
        await victim.KillAsync();
        var ackedAtKill = Volatile.Read(ref acked);
        try
        {
            Assert.True(ackedAtKill < count, "the server was killed while messages were still being published");
            await publishing.WaitAsync(cts.Token);
            _output.WriteLine($"Killed {victim.Options.ServerName} after {ackedAtKill} acks; {retried} publish attempts failed and were retried.");
            Assert.Equal(count, acked);
            Assert.NotEqual(connectedPort, new Uri(nats.ConnectedUrl!).Port);

            // The cluster may still be electing leaders after the loss; API calls are retried until it settles.
            await Eventually.WaitUntilAsync(async () => (await js.GetStreamInfoAsync(stream)).State.Messages == (ulong)count,
                "the stream holds every acked message once", TimeSpan.FromSeconds(60),
                describe: async () => $"{(await js.GetStreamInfoAsync(stream)).State.Messages} messages");
            JetStreamConsumer? consumer = null;
            await Eventually.WaitUntilAsync(async () =>
            {
                consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig { AckPolicy = AckPolicy.None, InactiveThreshold = TimeSpan.FromMinutes(1) });
                return true;
            }, "a consumer is created", TimeSpan.FromSeconds(60));
            var payloads = new List<int>();
            while (payloads.Count < count)
            {
                var batch = await consumer!.FetchAsync(new FetchOptions { MaxMessages = 500, Expires = TimeSpan.FromSeconds(2) }, cts.Token).ToListAsync(cts.Token);
                Assert.NotEmpty(batch);
                payloads.AddRange(batch.Select(m => int.Parse(Encoding.ASCII.GetString(m.Data.Span))));
            }
            Assert.Equal(Enumerable.Range(0, count), payloads.Order());
        }
        finally
        {
            await victim.RestartAsync();
        }
    }
}
