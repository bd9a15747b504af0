using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>The policy for requests a forming cluster leaves unanswered; <see cref="NatsClusterTests"/> meets a real one.</summary>
public sealed class JetStreamStartupTests
{
    [Fact]
    public async Task A_request_that_got_no_reply_or_a_cluster_not_yet_available_is_asked_again_until_answered()
    {
        var failures = new Queue<Exception>([
            new NatsJSApiNoResponseException(),
            new NatsJSApiException(new ApiError { Code = 503, ErrCode = JetStreamErrorCodes.ClusterNotAvailable, Description = "JetStream system temporarily unavailable" }),
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
        var refusal = await Assert.ThrowsAsync<NatsJSApiException>(() => JetStreamStartup.AskUntilAnsweredAsync<string>("Stream s", NullLogger.Instance, () =>
        {
            calls++;
            throw new NatsJSApiException(new ApiError { Code = 400, ErrCode = JetStreamErrorCodes.StreamNameInUse, Description = "stream name already in use" });
        }, CancellationToken.None));

        Assert.Equal(JetStreamErrorCodes.StreamNameInUse, refusal.Error.ErrCode);
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
            throw new NatsJSApiNoResponseException();
        }, cancellation.Token));

        Assert.Equal(2, calls);
    }
}
