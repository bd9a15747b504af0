using System.Buffers;
using System.Text;

namespace HarmonyLite.Nats.Protocol;

/// <summary>Encodes and decodes the NATS header block: "NATS/1.0[ code[ description]]\r\n(Name: value\r\n)*\r\n".</summary>
internal static class HeaderCodec
{
    private static ReadOnlySpan<byte> Version => "NATS/1.0"u8;

    public static int GetEncodedLength(NatsHeaders headers)
    {
        var length = Version.Length + 2;
        if (headers.StatusCode is int code)
        {
            length += 1 + code.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            if (!string.IsNullOrEmpty(headers.StatusDescription)) length += 1 + Encoding.UTF8.GetByteCount(headers.StatusDescription);
        }
        foreach (var (name, values) in headers)
        {
            var nameLength = Encoding.UTF8.GetByteCount(name);
            foreach (var value in values) length += nameLength + 2 + Encoding.UTF8.GetByteCount(value) + 2;
        }
        return length + 2;
    }

    public static void Write(IBufferWriter<byte> writer, NatsHeaders headers)
    {
        Ascii.Write(writer, Version);
        if (headers.StatusCode is int code)
        {
            Ascii.Write(writer, " "u8);
            Ascii.WriteInt(writer, code);
            if (!string.IsNullOrEmpty(headers.StatusDescription))
            {
                Ascii.Write(writer, " "u8);
                Ascii.WriteUtf8(writer, headers.StatusDescription);
            }
        }
        Ascii.Write(writer, "\r\n"u8);
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                Ascii.WriteUtf8(writer, name);
                Ascii.Write(writer, ": "u8);
                Ascii.WriteUtf8(writer, value);
                Ascii.Write(writer, "\r\n"u8);
            }
        }
        Ascii.Write(writer, "\r\n"u8);
    }

    /// <summary>Decodes a header block as received in HMSG; malformed input throws <see cref="NatsProtocolException"/>.</summary>
    public static NatsHeaders Parse(ReadOnlySpan<byte> block)
    {
        if (!block.StartsWith(Version))
            throw new NatsProtocolException($"A message header block does not start with NATS/1.0: '{Preview(block)}'.");
        var headers = new NatsHeaders();
        var end = block.IndexOf("\r\n"u8);
        var statusLine = end < 0 ? block[Version.Length..] : block[Version.Length..end];
        ParseStatus(statusLine, headers, block);
        var rest = end < 0 ? ReadOnlySpan<byte>.Empty : block[(end + 2)..];
        while (!rest.IsEmpty)
        {
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : rest[(lineEnd + 2)..];
            if (line.IsEmpty) break; // the blank line closing the block
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
                throw new NatsProtocolException($"A message header line has no 'Name: value' form: '{Preview(line)}'.");
            var name = Encoding.UTF8.GetString(line[..colon]).Trim();
            var value = Encoding.UTF8.GetString(line[(colon + 1)..]).Trim(' ', '\t');
            headers.AddParsed(name, value);
        }
        return headers;
    }

    private static void ParseStatus(ReadOnlySpan<byte> statusLine, NatsHeaders headers, ReadOnlySpan<byte> block)
    {
        var text = Encoding.UTF8.GetString(statusLine).Trim();
        if (text.Length == 0) return;
        var space = text.IndexOf(' ');
        var codeText = space < 0 ? text : text[..space];
        if (codeText.Length != 3 || !int.TryParse(codeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            throw new NatsProtocolException($"A message header block has an invalid status line: '{Preview(block)}'.");
        headers.StatusCode = code;
        if (space > 0)
        {
            var description = text[(space + 1)..].Trim();
            if (description.Length > 0) headers.StatusDescription = description;
        }
    }

    private static string Preview(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 80)]).Replace("\r", "\\r").Replace("\n", "\\n");
}
