using System.Buffers;

namespace HarmonyLite.Nats.Protocol;

/// <summary>Encodes client-to-server operations (CONNECT, PUB, HPUB, SUB, UNSUB, PING, PONG) into a buffer.</summary>
internal static class ProtocolWriter
{
    public static void WriteConnect(IBufferWriter<byte> writer, ReadOnlySpan<byte> json)
    {
        Ascii.Write(writer, "CONNECT "u8);
        Ascii.Write(writer, json);
        Ascii.Write(writer, "\r\n"u8);
    }

    public static void WritePing(IBufferWriter<byte> writer) => Ascii.Write(writer, "PING\r\n"u8);

    public static void WritePong(IBufferWriter<byte> writer) => Ascii.Write(writer, "PONG\r\n"u8);

    /// <summary>PUB, or HPUB when there are headers. <paramref name="headerLength"/> is <see cref="HeaderCodec.GetEncodedLength"/> of them.</summary>
    public static void WritePublish(IBufferWriter<byte> writer, string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlySpan<byte> data)
    {
        Ascii.Write(writer, headers is null ? "PUB "u8 : "HPUB "u8);
        Ascii.WriteUtf8(writer, subject);
        Ascii.Write(writer, " "u8);
        if (replyTo is not null)
        {
            Ascii.WriteUtf8(writer, replyTo);
            Ascii.Write(writer, " "u8);
        }
        if (headers is not null)
        {
            Ascii.WriteInt(writer, headerLength);
            Ascii.Write(writer, " "u8);
            Ascii.WriteInt(writer, headerLength + data.Length);
            Ascii.Write(writer, "\r\n"u8);
            HeaderCodec.Write(writer, headers);
        }
        else
        {
            Ascii.WriteInt(writer, data.Length);
            Ascii.Write(writer, "\r\n"u8);
        }
        Ascii.Write(writer, data);
        Ascii.Write(writer, "\r\n"u8);
    }

    public static void WriteSubscribe(IBufferWriter<byte> writer, long sid, string subject, string? queueGroup)
    {
        Ascii.Write(writer, "SUB "u8);
        Ascii.WriteUtf8(writer, subject);
        Ascii.Write(writer, " "u8);
        if (queueGroup is not null)
        {
            Ascii.WriteUtf8(writer, queueGroup);
            Ascii.Write(writer, " "u8);
        }
        Ascii.WriteInt(writer, sid);
        Ascii.Write(writer, "\r\n"u8);
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> writer, long sid, long? maxMessages)
    {
        Ascii.Write(writer, "UNSUB "u8);
        Ascii.WriteInt(writer, sid);
        if (maxMessages is long max)
        {
            Ascii.Write(writer, " "u8);
            Ascii.WriteInt(writer, max);
        }
        Ascii.Write(writer, "\r\n"u8);
    }
}
