using Xunit;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Nats;
using HarmonyLite.Nats.JetStream;
using Microsoft.Extensions.Logging.Abstractions;

namespace HarmonyLite.Engine.Tests.Messaging;

public sealed class JetStreamStartupTests
{
    [Fact]
    public async Task A_request_that_got_no_reply_or_a_cluster_not_yet_available_is_asked_again_until_answered()
    {
        var failures = new Queue<Exception>([
            new NatsTimeoutException("no reply within 5 s"),
            new JetStreamApiException(503, JetStreamErrorCode.ClusterNotAvailable, "JetStream system temporarily unavailable", "$JS.API.STREAM.INFO.s"),
        ]);
        var calls = 0;

        var answer = await JetStreamStartup.AskUntilAnsweredAsync("Stream s", NullLogger.Instance, () =>
        {
            calls++;
            return failures.TryDequeue(out var failure) ? Task.FromException<string>(failure) : Task.FromResult("answered");
        }, CancellationToken.None);

        Assert.Equal("answered", answer);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_refusal_is_not_asked_again()
    {
        var calls = 0;
        var refusal = await Assert.ThrowsAsync<JetStreamApiException>(() => JetStreamStartup.AskUntilAnsweredAsync<string>("Stream s", NullLogger.Instance, () =>
        {
            calls++;
            throw new JetStreamApiException(400, JetStreamErrorCode.StreamNameInUse, "stream name already in use", "$JS.API.STREAM.CREATE.s");
        }, CancellationToken.None));

        Assert.Equal(JetStreamErrorCode.StreamNameInUse, refusal.ErrorCode);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Cancelling_stops_asking()
    {
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => JetStreamStartup.AskUntilAnsweredAsync<string>("Stream s", NullLogger.Instance, () =>
        {
            if (++calls == 2) cancellation.Cancel();
            throw new NatsTimeoutException("no reply within 5 s");
        }, cancellation.Token));

        Assert.Equal(2, calls);
    }
}
