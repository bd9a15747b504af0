using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace HarmonyLite.Nats.Protocol;

/// <summary>Small helpers that append protocol text and numbers to a buffer writer.</summary>
internal static class Ascii
{
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    public static void WriteUtf8(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public static void WriteInt(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        if (!Utf8Formatter.TryFormat(value, span, out var written)) throw new InvalidOperationException("A 20-byte span always holds a long.");
        writer.Advance(written);
    }
}
