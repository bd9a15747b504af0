using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class LoggingTests
{
    [Fact]
    public async Task Connection_loss_and_slow_consumers_are_logged_with_what_to_do()
    {
        var logs = new ListLoggerFactory();
        await using var server = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false });
        await using var nats = await Connect.ToAsync(server.Url, o => o with { LoggerFactory = logs, SubscriptionCapacity = 1 });
        await using var sub = await nats.SubscribeAsync("logging.slow");
        for (var i = 0; i < 3; i++) await nats.PublishAsync("logging.slow", default);
        await nats.PingAsync();
        Assert.Equal(2, sub.DroppedMessages);

        await server.KillAsync();
        await Eventually.WaitUntilAsync(() => nats.State == NatsConnectionState.Reconnecting, "the client notices the crash");

        var lines = logs.Lines;
        Assert.Contains(lines, l => l.StartsWith("Information: Connected to NATS server " + server.Url, StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("Warning: Slow consumer on subject logging.slow", StringComparison.Ordinal) && l.Contains("SubscriptionCapacity"));
        Assert.Contains(lines, l => l.StartsWith("Warning: Lost the connection to NATS server " + server.Url, StringComparison.Ordinal));
    }
}
