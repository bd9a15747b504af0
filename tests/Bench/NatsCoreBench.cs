using System.Diagnostics;
using HarmonyLite.Nats;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench;

/// <summary>Core NATS throughput against a local nats-server: publish only, and publish to subscriber end to end.</summary>
public sealed class NatsCoreBench : IBenchSuite
{
    private const int Messages = 500_000;
    private const int PayloadSize = 128;

    public string Name => "nats-core";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false }, cancellationToken);
        var options = new NatsOptions { Urls = [server.Url], Name = "bench" };
        var payload = new byte[PayloadSize];

        await using (var publisher = await NatsConnection.ConnectAsync(options, cancellationToken))
        {
            await PublishAllAsync(publisher, "bench.warmup", payload, 50_000, cancellationToken);
            var clock = Stopwatch.StartNew();
            await PublishAllAsync(publisher, "bench.publish", payload, Messages, cancellationToken);
            clock.Stop();
            report.Figure(Name, $"publish only, {PayloadSize} B payload, flushed at the end", Messages / clock.Elapsed.TotalSeconds, "msgs/s");
            report.Figure(Name, "publish only, payload bandwidth", Messages * (double)PayloadSize / clock.Elapsed.TotalSeconds / (1024 * 1024), "MiB/s");
        }

        await using (var publisher = await NatsConnection.ConnectAsync(options, cancellationToken))
        await using (var subscriber = await NatsConnection.ConnectAsync(options with { SubscriptionCapacity = Messages }, cancellationToken))
        {
            await using var sub = await subscriber.SubscribeAsync("bench.e2e", ct: cancellationToken);
            var clock = Stopwatch.StartNew();
            var received = Task.Run(async () =>
            {
                var count = 0;
                while (count < Messages && await sub.Messages.WaitToReadAsync(cancellationToken))
                    while (count < Messages && sub.Messages.TryRead(out _)) count++;
                return count;
            }, cancellationToken);
            await PublishAllAsync(publisher, "bench.e2e", payload, Messages, cancellationToken);
            var count = await received;
            clock.Stop();
            report.Figure(Name, $"publish -> subscribe end to end, {PayloadSize} B payload", count / clock.Elapsed.TotalSeconds, "msgs/s",
                sub.DroppedMessages == 0 ? null : $"{sub.DroppedMessages} dropped");
        }

        await using (var nats = await NatsConnection.ConnectAsync(options, cancellationToken))
        {
            await using var service = await nats.SubscribeAsync("bench.rpc", ct: cancellationToken);
            var responder = Task.Run(async () =>
            {
                await foreach (var msg in service.Messages.ReadAllAsync(cancellationToken)) await msg.ReplyAsync(msg.Data, ct: cancellationToken);
            }, cancellationToken);
            const int requests = 10_000;
            for (var i = 0; i < 500; i++) await nats.RequestAsync("bench.rpc", payload, ct: cancellationToken);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < requests; i++) await nats.RequestAsync("bench.rpc", payload, ct: cancellationToken);
            clock.Stop();
            report.Figure(Name, "request/reply round trip, sequential", clock.Elapsed.TotalMilliseconds * 1000 / requests, "µs");
            await service.UnsubscribeAsync();
            await responder;
        }
    }

    private static async Task PublishAllAsync(NatsConnection nats, string subject, byte[] payload, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++) await nats.PublishAsync(subject, payload, ct: ct);
        await nats.PingAsync(ct);
    }
}
