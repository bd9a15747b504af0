using System.Text;
using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Nats.Protocol;
using Xunit;

namespace HarmonyLite.Nats.Tests.Protocol;

public sealed class ProtocolParserTests
{
    private static readonly byte[] Recorded = ServerFrames.Recorded();
    private static readonly List<string> Expected = ParseWhole(Recorded);

    private static List<string> ParseWhole(byte[] stream)
    {
        var handler = new RecordingHandler();
        new ProtocolParser(handler).Feed(stream);
        return handler.Ops;
    }

    private static List<string> ParseChunks(byte[] stream, IEnumerable<int> cuts)
    {
        var handler = new RecordingHandler();
        var parser = new ProtocolParser(handler);
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < stream.Length).Distinct().Order())
        {
            parser.Feed(stream.AsSpan(start, cut - start));
            start = cut;
        }
        parser.Feed(stream.AsSpan(start));
        return handler.Ops;
    }

    [Fact]
    public void Recorded_stream_decodes_to_the_expected_operations()
    {
        Assert.Equal(new[]
        {
            "INFO {\"server_id\":\"NABC\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"headers\":true}",
            "PING",
            "+OK",
            "MSG orders.new 1 - [none] " + Convert.ToHexString("hello"u8),
            "MSG orders.new 1 _INBOX.abc.1 [none] " + Convert.ToHexString("\r\nMSG fake 1 3\r\nPING\r\n"u8),
            "MSG empty 22 - [none] ",
            "MSG _INBOX.x.2 3 - [503|] ",
            "MSG with.headers 4 reply.to [||Nats-Msg-Id=id-1|X-Multi=a,b: with colon] 0001020D0AFF",
            "MSG hb 5 _INBOX.fc [100|Idle Heartbeat] ",
            "PONG",
            "-ERR Permissions Violation for Publish to \"secret\"",
            "MSG lower.case 6 - [none] " + Convert.ToHexString("ok"u8),
            "MSG tabs.too 7 - [none] 78",
        }, Expected);
    }

    [Fact]
    public void Split_at_every_byte_boundary_decodes_the_same()
    {
        for (var i = 1; i < Recorded.Length; i++)
            Assert.Equal(Expected, ParseChunks(Recorded, new[] { i }));
    }

    [Fact]
    public void One_byte_at_a_time_decodes_the_same()
    {
        Assert.Equal(Expected, ParseChunks(Recorded, Enumerable.Range(1, Recorded.Length)));
    }

    [Fact]
    public void Random_chunkings_decode_the_same()
    {
        var cuts = Gen.ListOf(Gen.Choose(1, Recorded.Length - 1)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(cuts, c => ParseChunks(Recorded, c).SequenceEqual(Expected)));
    }

    [Fact]
    public void Generated_messages_roundtrip_through_any_chunking()
    {
        var token = Gen.Elements("a", "orders", "x_y", "$JS", "ACK", "*", ">", "1", "Ü");
        var subject = Gen.NonEmptyListOf(token).Select(t => string.Join(".", t.Take(6)));
        var payload = Gen.ArrayOf(Gen.Elements<byte>(0, 10, 13, 32, 77, 83, 71, 255));
        var headerValue = Gen.Elements("v", "", "with space", "a:b", "NATS/1.0");
        var headers = Gen.OneOf(
            Gen.Constant<NatsHeaders?>(null),
            Gen.ListOf(Gen.Zip(Gen.Elements("A", "B", "Nats-Msg-Id", "x-y"), headerValue)).Select(pairs =>
            {
                var h = new NatsHeaders();
                foreach (var (name, value) in pairs) h.Add(name, value);
                return (NatsHeaders?)h;
            }));
        var message = subject.SelectMany(s => payload, (s, p) => (s, p))
            .SelectMany(_ => Gen.Choose(1, 1_000_000), (sp, sid) => (sp.s, sp.p, sid))
            .SelectMany(_ => Gen.OrNull(Gen.Elements("_INBOX.r.1", "reply")), (m, r) => (m.s, m.p, m.sid, r))
            .SelectMany(_ => headers, (m, h) => (Subject: m.s, Payload: m.p, Sid: m.sid, Reply: m.r, Headers: h));
        var scenario = Gen.NonEmptyListOf(message).SelectMany(_ => Gen.ListOf(Gen.Choose(1, 4000)), (msgs, cuts) => (msgs, cuts));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var stream = s.msgs.SelectMany(m => ServerFrames.Msg(m.Subject, m.Sid, m.Reply, m.Payload, m.Headers)).ToArray();
            var handler = new CapturingHandler();
            var parser = new ProtocolParser(handler);
            var start = 0;
            foreach (var cut in s.cuts.Where(c => c < stream.Length).Distinct().Order())
            {
                parser.Feed(stream.AsSpan(start, cut - start));
                start = cut;
            }
            parser.Feed(stream.AsSpan(start));
            if (handler.Messages.Count != s.msgs.Count) return false;
            for (var i = 0; i < s.msgs.Count; i++)
            {
                var (want, got) = (s.msgs[i], handler.Messages[i]);
                if (got.Subject != want.Subject || got.Sid != want.Sid || got.Reply != want.Reply || !got.Payload.SequenceEqual(want.Payload)) return false;
                var wantHeaders = want.Headers?.Select(kv => $"{kv.Key}={string.Join(",", kv.Value)}") ?? Enumerable.Empty<string>();
                var gotHeaders = got.Headers?.Select(kv => $"{kv.Key}={string.Join(",", kv.Value)}") ?? Enumerable.Empty<string>();
                if ((want.Headers is null) != (got.Headers is null) || !wantHeaders.SequenceEqual(gotHeaders)) return false;
            }
            return true;
        }));
    }

    [Theory]
    [InlineData("MSG a\r\n")]
    [InlineData("MSG a 1 2 3 4\r\n")]
    [InlineData("MSG a b 3\r\nabc\r\n")]
    [InlineData("MSG a 1 -1\r\n")]
    [InlineData("MSG a 1 99999999999999999999\r\n")]
    [InlineData("MSG a 1 3\r\nabcXY")]
    [InlineData("HMSG a 1 10 5\r\n")]
    [InlineData("HMSG a 1 0 5\r\n")]
    [InlineData("HMSG a 1 5 5\r\nXXXXX\r\n")]
    [InlineData("HMSG a 1 14 14\r\nNATS/1.0 5x\r\n\r\n\r\n")]
    [InlineData("HMSG a 1 18 18\r\nNATS/1.0\r\nnocolon\r\n\r\n")]
    [InlineData("INFO notjson\r\n")]
    [InlineData("PONGX\r\n")]
    [InlineData("PING extra\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\n")]
    [InlineData("\r\n")]
    public void Malformed_input_throws_NatsProtocolException(string input)
    {
        var parser = new ProtocolParser(new RecordingHandler());
        Assert.Throws<NatsProtocolException>(() => parser.Feed(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void A_control_line_without_end_beyond_the_limit_throws()
    {
        var parser = new ProtocolParser(new RecordingHandler());
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        Assert.Throws<NatsProtocolException>(() =>
        {
            for (var i = 0; i <= ProtocolParser.MaxControlLineLength / chunk.Length; i++) parser.Feed(chunk);
        });
    }

    [Fact]
    public void A_message_announced_above_the_size_limit_throws_before_allocating()
    {
        var parser = new ProtocolParser(new RecordingHandler());
        Assert.Throws<NatsProtocolException>(() => parser.Feed(Encoding.ASCII.GetBytes($"MSG a 1 {ProtocolParser.MaxMessageLength + 1}\r\n")));
    }

    private sealed class CapturingHandler : IProtocolHandler
    {
        public List<(string Subject, long Sid, string? Reply, byte[] Payload, NatsHeaders? Headers)> Messages { get; } = new();
        public void OnInfo(string json) { }
        public void OnMessage(string subject, long sid, string? replyTo, NatsHeaders? headers, ReadOnlyMemory<byte> payload) =>
            Messages.Add((subject, sid, replyTo, payload.ToArray(), headers));
        public void OnPing() { }
        public void OnPong() { }
        public void OnOk() { }
        public void OnError(string message) { }
    }
}
