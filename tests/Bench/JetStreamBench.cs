using System.Diagnostics;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace HarmonyLite.Bench;

/// <summary>
/// Acked JetStream publish throughput against a local nats-server, one file-storage stream: with NATS.Net as the
/// engine uses it, and through the engine's replication log (a batch id per message, as the publisher sends).
/// </summary>
public sealed class JetStreamBench : IBenchSuite
{
    private const int PayloadSize = 128;
    private const int SequentialMessages = 10_000;
    private const int PipelinedMessages = 100_000;
    private const int InFlight = 512;

    public string Name => "jetstream";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await NatsServerProcess.StartAsync(cancellationToken: cancellationToken);
        await using var nats = new NatsConnection(new NatsOpts { Url = server.Url, Name = "bench", RequestTimeout = TimeSpan.FromSeconds(30) });
        await nats.ConnectAsync();
        var js = new NatsJSContext(nats);
        await js.CreateStreamAsync(new StreamConfig("BENCH", ["bench.>"]) { Storage = StreamConfigStorage.File }, cancellationToken);
        var payload = new byte[PayloadSize];

        for (var i = 0; i < 1_000; i++) (await js.PublishAsync("bench.warmup", payload, cancellationToken: cancellationToken)).EnsureSuccess();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < SequentialMessages; i++) (await js.PublishAsync("bench.sequential", payload, cancellationToken: cancellationToken)).EnsureSuccess();
        clock.Stop();
        report.Figure(Name, $"acked publish, sequential (await each ack), {PayloadSize} B", SequentialMessages / clock.Elapsed.TotalSeconds, "msgs/s",
            $"{clock.Elapsed.TotalMilliseconds * 1000 / SequentialMessages:N0} µs per publish");

        clock.Restart();
        var pending = new Queue<NatsJSPublishConcurrentFuture>(InFlight);
        for (var i = 0; i < PipelinedMessages; i++)
        {
            if (pending.Count == InFlight) await CompleteAsync(pending.Dequeue());
            pending.Enqueue(await js.PublishConcurrentAsync("bench.pipelined", payload, cancellationToken: cancellationToken));
        }
        while (pending.Count > 0) await CompleteAsync(pending.Dequeue());
        clock.Stop();
        report.Figure(Name, $"acked publish, pipelined ({InFlight} in flight), {PayloadSize} B", PipelinedMessages / clock.Elapsed.TotalSeconds, "msgs/s");

        var config = new HarmonyConfig { Nats = new NatsConfig { Urls = [server.Url] } };
        await using (var messaging = await MessagingConnector.ConnectAsync(config, config.Nats.Urls, null, cancellationToken))
        {
            var log = messaging.OpenReplicationLog(new ReplicationTopology("bench-log", "bench-log-subject", 1), new ReplicationLogConfig(), NullLogger.Instance);
            await log.EnsureStreamsAsync(cancellationToken);
            clock.Restart();
            for (var i = 0; i < SequentialMessages; i++) await log.PublishAsync(1, $"bench-batch-{i}", payload, cancellationToken);
            clock.Stop();
            report.Figure(Name, $"replication log publish, sequential (batch id, await each ack), {PayloadSize} B", SequentialMessages / clock.Elapsed.TotalSeconds, "msgs/s",
                $"{clock.Elapsed.TotalMilliseconds * 1000 / SequentialMessages:N0} µs per publish");
        }

        var stored = (await js.GetStreamAsync("BENCH", cancellationToken: cancellationToken)).Info.State.Messages;
        report.Note(Name, $"stream holds {stored} messages (file storage, 1 replica, nats-server {nats.ServerInfo?.Version}, NATS.Net)");
    }

    private static async Task CompleteAsync(NatsJSPublishConcurrentFuture future)
    {
        await using (future) (await future.GetResponseAsync()).EnsureSuccess();
    }
}
