using System.Collections.Concurrent;
using System.Text;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.KeyValue;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

/// <summary>Each test owns its server, because it kills and restarts it.</summary>
public sealed class ServerRestartTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Consume_keeps_going_across_a_server_restart()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = await Connect.ToAsync(server.Url);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name("RESTART");
        var subject = stream.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Storage = StorageType.File });
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig("survivor") { AckWait = TimeSpan.FromSeconds(5) });

        using var cts = new CancellationTokenSource(TestTimeout);
        var seen = new ConcurrentDictionary<ulong, byte>();
        var consuming = Task.Run(async () =>
        {
            var options = new ConsumeOptions { MaxMessages = 50, Expires = TimeSpan.FromSeconds(4), IdleHeartbeat = TimeSpan.FromSeconds(1) };
            await foreach (var msg in consumer.ConsumeAsync(options, cts.Token))
            {
                seen.TryAdd(msg.Metadata.StreamSequence, 0);
                await msg.AckAsync(cts.Token);
            }
        });

        for (var i = 0; i < 100; i++) await js.PublishAsync($"{subject}.m", Encoding.ASCII.GetBytes($"before-{i}"));
        await Eventually.WaitUntilAsync(() => seen.Count == 100, "the first 100 messages are consumed", describe: () => $"{seen.Count} seen");

        await server.KillAsync();
        await server.RestartAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Connected, "the client reconnects");

        for (var i = 0; i < 100; i++)
            await js.PublishAsync($"{subject}.m", Encoding.ASCII.GetBytes($"after-{i}"), options: new JetStreamPublishOptions { MsgId = $"after-{i}", RetryAttempts = 20 });
        await Eventually.WaitUntilAsync(() => seen.Count == 200, "the 100 messages published after the restart are consumed",
            describe: () => $"{seen.Count} seen, consume task {consuming.Status}{(consuming.Exception is null ? "" : ": " + consuming.Exception.GetBaseException().Message)}");
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (ulong)i), seen.Keys.Order());

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task Key_value_watch_resumes_after_a_server_restart_without_gaps_or_repeats()
    {
        await using var server = await NatsServerProcess.StartAsync();
        await using var nats = await Connect.ToAsync(server.Url);
        var js = new JetStreamContext(nats);
        var kv = await js.CreateKeyValueAsync(new KeyValueConfig(Unique.Name("watch")) { History = 10 });

        using var cts = new CancellationTokenSource(TestTimeout);
        var revisions = new ConcurrentQueue<ulong>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            await foreach (var entry in kv.WatchAsync(options: new KeyValueWatchOptions { OnInitialValuesDone = () => started.TrySetResult() }, cancellationToken: cts.Token))
                revisions.Enqueue(entry.Revision);
        });
        await started.Task.WaitAsync(cts.Token);

        for (var i = 0; i < 10; i++) await kv.PutAsync("k" + i % 3, Encoding.ASCII.GetBytes(i.ToString()));
        await Eventually.WaitUntilAsync(() => revisions.Count == 10, "the watch sees the first 10 updates", describe: () => $"{revisions.Count} seen");

        await server.KillAsync();
        await server.RestartAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Connected, "the client reconnects");

        for (var i = 10; i < 20; i++) await kv.PutAsync("k" + i % 3, Encoding.ASCII.GetBytes(i.ToString()));
        await Eventually.WaitUntilAsync(() => revisions.Count >= 20, "the watch sees the updates made after the restart",
            describe: () => $"{revisions.Count} seen, watch task {watching.Status}{(watching.Exception is null ? "" : ": " + watching.Exception.GetBaseException().Message)}");
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), revisions);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }
}
