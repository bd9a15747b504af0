using HarmonyLite.Nats.JetStream;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class JetStreamMsgMetadataTests
{
    [Fact]
    public void V1_ack_subject_is_parsed()
    {
        var md = JetStreamMsgMetadata.TryParse("$JS.ACK.ORDERS.worker.2.1005.17.1795321587647070277.42")!;
        Assert.Equal("ORDERS", md.Stream);
        Assert.Equal("worker", md.Consumer);
        Assert.Equal(2UL, md.NumDelivered);
        Assert.Equal(1005UL, md.StreamSequence);
        Assert.Equal(17UL, md.ConsumerSequence);
        Assert.Equal(42UL, md.NumPending);
        Assert.Null(md.Domain);
        Assert.Null(md.AccountHash);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795321587647).AddTicks(702), md.Timestamp);
    }

    [Fact]
    public void V2_ack_subject_with_domain_account_and_trailing_token_is_parsed()
    {
        var md = JetStreamMsgMetadata.TryParse("$JS.ACK.hub.ACCHASH.ORDERS.worker.1.7.7.1795321587647070277.0.x9y8")!;
        Assert.Equal("hub", md.Domain);
        Assert.Equal("ACCHASH", md.AccountHash);
        Assert.Equal("ORDERS", md.Stream);
        Assert.Equal("worker", md.Consumer);
        Assert.Equal(7UL, md.StreamSequence);
        Assert.Equal(0UL, md.NumPending);
    }

    [Fact]
    public void V2_underscore_domain_means_none()
    {
        var md = JetStreamMsgMetadata.TryParse("$JS.ACK._.ACCHASH.S.C.1.2.3.1000.4")!;
        Assert.Null(md.Domain);
        Assert.Equal(2UL, md.StreamSequence);
        Assert.Equal(3UL, md.ConsumerSequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("_INBOX.abc")]
    [InlineData("$JS.ACK.S.C.1.2.3.4")]
    [InlineData("$JS.ACK.S.C.x.2.3.4.5")]
    [InlineData("$JS.ACK.a.b.S.C.1.2")]
    public void Anything_else_is_not_metadata(string? reply) => Assert.Null(JetStreamMsgMetadata.TryParse(reply));
}
