using System.Diagnostics;
using HarmonyLite.TestSupport;
using NATS.Client.Core;

namespace HarmonyLite.Bench;

/// <summary>Core NATS throughput of NATS.Net against a local nats-server: publish only, publish to subscriber, request/reply.</summary>
public sealed class NatsCoreBench : IBenchSuite
{
    private const int Messages = 500_000;
    private const int PayloadSize = 128;

    public string Name => "nats-core";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false }, cancellationToken);
        var options = new NatsOpts { Url = server.Url, Name = "bench" };
        var payload = new byte[PayloadSize];

        await using (var publisher = new NatsConnection(options))
        {
            await PublishAllAsync(publisher, "bench.warmup", payload, 50_000, cancellationToken);
            var clock = Stopwatch.StartNew();
            await PublishAllAsync(publisher, "bench.publish", payload, Messages, cancellationToken);
            clock.Stop();
            report.Figure(Name, $"publish only, {PayloadSize} B payload, flushed at the end", Messages / clock.Elapsed.TotalSeconds, "msgs/s");
            report.Figure(Name, "publish only, payload bandwidth", Messages * (double)PayloadSize / clock.Elapsed.TotalSeconds / (1024 * 1024), "MiB/s");
        }

        await using (var publisher = new NatsConnection(options))
        await using (var subscriber = new NatsConnection(options with { SubPendingChannelCapacity = Messages }))
        {
            await using var sub = await subscriber.SubscribeCoreAsync<byte[]>("bench.e2e", cancellationToken: cancellationToken);
            await subscriber.PingAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            var received = Task.Run(async () =>
            {
                var count = 0;
                while (count < Messages && await sub.Msgs.WaitToReadAsync(cancellationToken))
                    while (count < Messages && sub.Msgs.TryRead(out _)) count++;
                return count;
            }, cancellationToken);
            await PublishAllAsync(publisher, "bench.e2e", payload, Messages, cancellationToken);
            var count = await received;
            clock.Stop();
            report.Figure(Name, $"publish -> subscribe end to end, {PayloadSize} B payload", count / clock.Elapsed.TotalSeconds, "msgs/s");
        }

        await using (var nats = new NatsConnection(options))
        {
            await using var service = await nats.SubscribeCoreAsync<byte[]>("bench.rpc", cancellationToken: cancellationToken);
            var responder = Task.Run(async () =>
            {
                await foreach (var msg in service.Msgs.ReadAllAsync(cancellationToken)) await msg.ReplyAsync(msg.Data, cancellationToken: cancellationToken);
            }, cancellationToken);
            const int requests = 10_000;
            for (var i = 0; i < 500; i++) await nats.RequestAsync<byte[], byte[]>("bench.rpc", payload, cancellationToken: cancellationToken);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < requests; i++) await nats.RequestAsync<byte[], byte[]>("bench.rpc", payload, cancellationToken: cancellationToken);
            clock.Stop();
            report.Figure(Name, "request/reply round trip, sequential", clock.Elapsed.TotalMilliseconds * 1000 / requests, "µs");
            await service.UnsubscribeAsync();
            await responder;
        }
    }

    private static async Task PublishAllAsync(NatsConnection nats, string subject, byte[] payload, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++) await nats.PublishAsync(subject, payload, cancellationToken: ct);
        await nats.PingAsync(ct);
    }
}
