using System.Buffers;
using System.Text;
using HarmonyLite.Nats.Protocol;
using Xunit;

namespace HarmonyLite.Nats.Tests.Protocol;

public sealed class HeaderCodecTests
{
    [Theory]
    [InlineData("NATS/1.0 408 Request Timeout\r\n\r\n", 408, "Request Timeout")]
    [InlineData("NATS/1.0 503\r\n\r\n", 503, null)]
    [InlineData("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 5\r\n\r\n", 100, "Idle Heartbeat")]
    [InlineData("NATS/1.0 409 Consumer Deleted\r\n\r\n", 409, "Consumer Deleted")]
    [InlineData("NATS/1.0\r\nA: b\r\n\r\n", null, null)]
    public void Status_line_is_decoded(string block, int? code, string? description)
    {
        var headers = HeaderCodec.Parse(Encoding.ASCII.GetBytes(block));
        Assert.Equal(code, headers.StatusCode);
        Assert.Equal(description, headers.StatusDescription);
    }

    [Fact]
    public void Encoding_then_decoding_keeps_order_case_and_multiple_values()
    {
        var headers = new NatsHeaders { StatusCode = 404, StatusDescription = "No Messages" };
        headers.Add("Zeta", "1");
        headers.Add("alpha", "two words");
        headers.Add("Zeta", "3");
        headers.Add("ZETA", "upper");

        var writer = new ArrayBufferWriter<byte>();
        HeaderCodec.Write(writer, headers);
        Assert.Equal(HeaderCodec.GetEncodedLength(headers), writer.WrittenCount);
        Assert.Equal("NATS/1.0 404 No Messages\r\nZeta: 1\r\nZeta: 3\r\nalpha: two words\r\nZETA: upper\r\n\r\n", Encoding.ASCII.GetString(writer.WrittenSpan));

        var decoded = HeaderCodec.Parse(writer.WrittenSpan);
        Assert.Equal(404, decoded.StatusCode);
        Assert.Equal("No Messages", decoded.StatusDescription);
        Assert.Equal(new[] { "1", "3" }, decoded.GetValues("Zeta"));
        Assert.Equal("upper", decoded["ZETA"]);
        Assert.Empty(decoded.GetValues("zeta"));
    }

    [Fact]
    public void Header_names_and_values_that_would_break_the_protocol_are_refused()
    {
        var headers = new NatsHeaders();
        Assert.Throws<ArgumentException>(() => headers.Add("Bad Name", "v"));
        Assert.Throws<ArgumentException>(() => headers.Add("Bad:Name", "v"));
        Assert.Throws<ArgumentException>(() => headers.Add("", "v"));
        Assert.Throws<ArgumentException>(() => headers.Add("Name", "line\r\nInjected: x"));
        headers["X"] = "1";
        headers["X"] = null;
        Assert.Equal(0, headers.Count);
    }
}
