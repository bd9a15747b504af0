using System.Buffers;
using System.Text;
using HarmonyLite.Nats.Protocol;

namespace HarmonyLite.Nats.Tests.Protocol;

/// <summary>Builds server-to-client frames (MSG/HMSG) the way nats-server writes them.</summary>
internal static class ServerFrames
{
    public static byte[] Msg(string subject, long sid, string? reply, byte[] payload, NatsHeaders? headers = null)
    {
        var writer = new ArrayBufferWriter<byte>();
        byte[] headerBytes = Array.Empty<byte>();
        if (headers is not null)
        {
            var hw = new ArrayBufferWriter<byte>();
            HeaderCodec.Write(hw, headers);
            headerBytes = hw.WrittenSpan.ToArray();
        }
        var line = headers is null
            ? $"MSG {subject} {sid} {(reply is null ? "" : reply + " ")}{payload.Length}\r\n"
            : $"HMSG {subject} {sid} {(reply is null ? "" : reply + " ")}{headerBytes.Length} {headerBytes.Length + payload.Length}\r\n";
        writer.Write(Encoding.UTF8.GetBytes(line));
        writer.Write(headerBytes);
        writer.Write(payload);
        writer.Write("\r\n"u8);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A recorded stream with every operation kind, binary payloads holding CRLF and protocol words, and status headers.</summary>
    public static byte[] Recorded()
    {
        var parts = new List<byte[]>
        {
            Encoding.ASCII.GetBytes("INFO {\"server_id\":\"NABC\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"headers\":true}\r\n"),
            "PING\r\n"u8.ToArray(),
            "+OK\r\n"u8.ToArray(),
            Msg("orders.new", 1, null, "hello"u8.ToArray()),
            Msg("orders.new", 1, "_INBOX.abc.1", "\r\nMSG fake 1 3\r\nPING\r\n"u8.ToArray()),
            Msg("empty", 22, null, Array.Empty<byte>()),
            RawHeaders("_INBOX.x.2", 3, null, "NATS/1.0 503\r\n\r\n"),
            Msg("with.headers", 4, "reply.to", new byte[] { 0, 1, 2, 13, 10, 255 }, Headers()),
            RawHeaders("hb", 5, "_INBOX.fc", "NATS/1.0 100 Idle Heartbeat\r\n\r\n"),
            "PONG\r\n"u8.ToArray(),
            "-ERR 'Permissions Violation for Publish to \"secret\"'\r\n"u8.ToArray(),
            "msg lower.case 6 2\r\nok\r\n"u8.ToArray(),
            "MSG\ttabs.too\t7\t1\r\nx\r\n"u8.ToArray(),
        };
        return parts.SelectMany(p => p).ToArray();
    }

    /// <summary>An HMSG without payload whose header block is given verbatim (status messages).</summary>
    private static byte[] RawHeaders(string subject, long sid, string? reply, string block) =>
        Encoding.ASCII.GetBytes($"HMSG {subject} {sid} {(reply is null ? "" : reply + " ")}{block.Length} {block.Length}\r\n{block}\r\n");

    private static NatsHeaders Headers()
    {
        var h = new NatsHeaders { ["Nats-Msg-Id"] = "id-1" };
        h.Add("X-Multi", "a");
        h.Add("X-Multi", "b: with colon");
        return h;
    }
}
