using System.Diagnostics;
using HarmonyLite.Nats;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench;

/// <summary>Acked JetStream publish throughput against a local nats-server, one file-storage stream.</summary>
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
        await using var nats = await NatsConnection.ConnectAsync(new NatsOptions { Urls = [server.Url], Name = "bench", RequestTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);
        var js = new JetStreamContext(nats);
        await js.CreateStreamAsync(new StreamConfig("BENCH") { Subjects = ["bench.>"], Storage = StorageType.File }, cancellationToken);
        var payload = new byte[PayloadSize];

        for (var i = 0; i < 1_000; i++) await js.PublishAsync("bench.warmup", payload, cancellationToken: cancellationToken);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < SequentialMessages; i++) await js.PublishAsync("bench.sequential", payload, cancellationToken: cancellationToken);
        clock.Stop();
        report.Figure(Name, $"acked publish, sequential (await each ack), {PayloadSize} B", SequentialMessages / clock.Elapsed.TotalSeconds, "msgs/s",
            $"{clock.Elapsed.TotalMilliseconds * 1000 / SequentialMessages:N0} µs per publish");

        clock.Restart();
        var pending = new Queue<Task<PubAck>>(InFlight);
        for (var i = 0; i < PipelinedMessages; i++)
        {
            if (pending.Count == InFlight) await pending.Dequeue();
            pending.Enqueue(js.PublishAsync("bench.pipelined", payload, cancellationToken: cancellationToken));
        }
        while (pending.Count > 0) await pending.Dequeue();
        clock.Stop();
        report.Figure(Name, $"acked publish, pipelined ({InFlight} in flight), {PayloadSize} B", PipelinedMessages / clock.Elapsed.TotalSeconds, "msgs/s");

        var stored = (await js.GetStreamInfoAsync("BENCH", cancellationToken: cancellationToken)).State.Messages;
        report.Note(Name, $"stream holds {stored} messages (file storage, 1 replica, nats-server {nats.ServerInfo?.Version})");
    }
}
