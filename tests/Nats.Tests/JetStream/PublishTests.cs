using System.Text;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class PublishTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public PublishTests(NatsServerFixture server) => _server = server;

    private async Task<(NatsConnection Nats, JetStreamContext Js, string Stream, string Subject)> StreamAsync(string prefix)
    {
        var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var stream = Unique.Name(prefix);
        var subject = stream.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(stream) { Subjects = [$"{subject}.>"], Storage = StorageType.Memory });
        return (nats, js, stream, subject);
    }

    [Fact]
    public async Task Publish_returns_stream_and_sequence()
    {
        var (nats, js, stream, subject) = await StreamAsync("PUB");
        await using var _ = nats;
        var first = await js.PublishAsync($"{subject}.a", "one"u8.ToArray());
        var second = await js.PublishAsync($"{subject}.b", "two"u8.ToArray());
        Assert.Equal(stream, first.Stream);
        Assert.Equal(1UL, first.Sequence);
        Assert.Equal(2UL, second.Sequence);
        Assert.False(second.Duplicate);
    }

    [Fact]
    public async Task Duplicate_msg_id_is_reported_and_stored_once()
    {
        var (nats, js, stream, subject) = await StreamAsync("DEDUP");
        await using var _ = nats;
        var options = new JetStreamPublishOptions { MsgId = "order-17" };
        var first = await js.PublishAsync($"{subject}.x", "a"u8.ToArray(), options: options);
        var again = await js.PublishAsync($"{subject}.x", "b"u8.ToArray(), options: options);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Sequence, again.Sequence);
        var info = await js.GetStreamInfoAsync(stream);
        Assert.Equal(1UL, info.State.Messages);
        var stored = await js.GetMessageAsync(stream, first.Sequence);
        Assert.Equal("a", Encoding.UTF8.GetString(stored.Data.Span));
        Assert.Equal("order-17", stored.Headers![JetStreamHeaders.MsgId]);
    }

    [Fact]
    public async Task Expected_last_sequence_mismatch_is_a_typed_error()
    {
        var (nats, js, stream, subject) = await StreamAsync("EXPECT");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.a", "1"u8.ToArray());
        await js.PublishAsync($"{subject}.a", "2"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedLastSequence = 1 });

        var wrong = await Assert.ThrowsAsync<JetStreamApiException>(() =>
            js.PublishAsync($"{subject}.a", "3"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedLastSequence = 1 }));
        Assert.Equal(JetStreamErrorCode.StreamWrongLastSequence, wrong.ErrorCode);
        Assert.Equal(400, wrong.Code);
        Assert.Contains("wrong last sequence", wrong.Description);

        var wrongSubject = await Assert.ThrowsAsync<JetStreamApiException>(() =>
            js.PublishAsync($"{subject}.b", "x"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedLastSubjectSequence = 5 }));
        Assert.Equal(JetStreamErrorCode.StreamWrongLastSequence, wrongSubject.ErrorCode);
        await js.PublishAsync($"{subject}.b", "x"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedLastSubjectSequence = 0 });

        var wrongStream = await Assert.ThrowsAsync<JetStreamApiException>(() =>
            js.PublishAsync($"{subject}.a", "x"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedStream = "OTHER" }));
        Assert.Equal(JetStreamErrorCode.StreamNotMatch, wrongStream.ErrorCode);

        await js.PublishAsync($"{subject}.a", "x"u8.ToArray(), options: new JetStreamPublishOptions { MsgId = "m1" });
        var wrongId = await Assert.ThrowsAsync<JetStreamApiException>(() =>
            js.PublishAsync($"{subject}.a", "y"u8.ToArray(), options: new JetStreamPublishOptions { ExpectedLastMsgId = "m0" }));
        Assert.Equal(JetStreamErrorCode.StreamWrongLastMsgId, wrongId.ErrorCode);
        Assert.Equal(4UL, (await js.GetStreamInfoAsync(stream)).State.Messages);
    }

    [Fact]
    public async Task Publish_to_a_subject_without_stream_says_so()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var ex = await Assert.ThrowsAsync<JetStreamNoStreamException>(() =>
            js.PublishAsync("nostream." + Guid.NewGuid().ToString("N"), "x"u8.ToArray(), options: new JetStreamPublishOptions { RetryAttempts = 0 }));
        Assert.Contains("No JetStream stream stores subject", ex.Message);
        Assert.IsType<NatsNoRespondersException>(ex.InnerException);
    }

    [Fact]
    public async Task Caller_headers_are_sent_and_not_modified()
    {
        var (nats, js, stream, subject) = await StreamAsync("HDRS");
        await using var _ = nats;
        var headers = new NatsHeaders { ["X-Trace"] = "t1" };
        headers.Add("X-Multi", "a");
        headers.Add("X-Multi", "b");
        var ack = await js.PublishAsync($"{subject}.h", "x"u8.ToArray(), headers, new JetStreamPublishOptions { MsgId = "h1" });
        Assert.Equal(2, headers.Count);
        var stored = await js.GetMessageAsync(stream, ack.Sequence);
        Assert.Equal("t1", stored.Headers!["X-Trace"]);
        Assert.Equal(["a", "b"], stored.Headers.GetValues("X-Multi"));
        Assert.Equal("h1", stored.Headers[JetStreamHeaders.MsgId]);
    }

    [Fact]
    public async Task Messages_are_read_by_sequence_and_last_by_subject_and_deleted()
    {
        var (nats, js, stream, subject) = await StreamAsync("GET");
        await using var _ = nats;
        await js.PublishAsync($"{subject}.a", "a1"u8.ToArray());
        await js.PublishAsync($"{subject}.b", "b1"u8.ToArray());
        await js.PublishAsync($"{subject}.a", "a2"u8.ToArray());

        var bySeq = await js.GetMessageAsync(stream, 2);
        Assert.Equal($"{subject}.b", bySeq.Subject);
        Assert.Equal("b1", Encoding.UTF8.GetString(bySeq.Data.Span));
        Assert.Null(bySeq.Headers);
        Assert.True(bySeq.Time > DateTimeOffset.UtcNow.AddMinutes(-1));

        var last = await js.GetLastMessageAsync(stream, $"{subject}.a");
        Assert.Equal(3UL, last.Sequence);
        Assert.Equal("a2", Encoding.UTF8.GetString(last.Data.Span));

        var none = await Assert.ThrowsAsync<JetStreamApiException>(() => js.GetLastMessageAsync(stream, $"{subject}.zzz"));
        Assert.Equal(JetStreamErrorCode.NoMessageFound, none.ErrorCode);

        Assert.True(await js.DeleteMessageAsync(stream, 3));
        Assert.True(await js.DeleteMessageAsync(stream, 1, erase: true));
        Assert.Equal(JetStreamErrorCode.NoMessageFound, (await Assert.ThrowsAsync<JetStreamApiException>(() => js.GetMessageAsync(stream, 3))).ErrorCode);
        Assert.Equal(1UL, (await js.GetStreamInfoAsync(stream)).State.Messages);
    }
}
