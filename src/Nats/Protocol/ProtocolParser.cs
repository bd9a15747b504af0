using System.Buffers.Text;
using System.Text;

namespace HarmonyLite.Nats.Protocol;

/// <summary>
/// Streaming decoder of the server-to-client protocol (INFO, MSG, HMSG, PING, PONG, +OK, -ERR).
/// Fed arbitrary chunks of the byte stream, it keeps partial control lines and payloads between
/// calls, so a frame split at any byte boundary decodes the same as a whole one. Malformed input
/// throws <see cref="NatsProtocolException"/>; the parser must then be discarded with its connection.
/// </summary>
internal sealed class ProtocolParser
{
    /// <summary>Longest control line accepted; INFO of a large cluster stays far below it, garbage does not.</summary>
    public const int MaxControlLineLength = 1024 * 1024;

    /// <summary>Largest message accepted (the server's own upper bound of max_payload is 64 MiB).</summary>
    public const int MaxMessageLength = 64 * 1024 * 1024;

    private readonly IProtocolHandler _handler;
    private byte[] _line = new byte[1024];
    private int _lineLength;

    // Set while the payload of a MSG/HMSG is being received.
    private byte[]? _payload;
    private int _payloadFilled;
    private PendingMessage _pending;

    public ProtocolParser(IProtocolHandler handler) => _handler = handler;

    /// <summary>Decodes as much of <paramref name="data"/> as possible, calling the handler for every complete operation.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_payload is not null)
            {
                var count = Math.Min(_payload.Length - _payloadFilled, data.Length);
                data[..count].CopyTo(_payload.AsSpan(_payloadFilled));
                _payloadFilled += count;
                data = data[count..];
                if (_payloadFilled == _payload.Length) CompleteMessage();
                continue;
            }

            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                AppendToLine(data);
                return;
            }
            if (_lineLength == 0)
            {
                ProcessLine(data[..newline]);
            }
            else
            {
                AppendToLine(data[..newline]);
                var line = _line.AsSpan(0, _lineLength);
                _lineLength = 0;
                ProcessLine(line);
            }
            data = data[(newline + 1)..];
        }
    }

    private void AppendToLine(ReadOnlySpan<byte> part)
    {
        if (_lineLength + part.Length > MaxControlLineLength)
            throw new NatsProtocolException($"The server sent a control line longer than {MaxControlLineLength} bytes without a line end; the stream is not NATS protocol.");
        if (_lineLength + part.Length > _line.Length)
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + part.Length));
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.Length > MaxControlLineLength)
            throw new NatsProtocolException($"The server sent a control line longer than {MaxControlLineLength} bytes; the stream is not NATS protocol.");
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        var opEnd = line.IndexOfAny((byte)' ', (byte)'\t');
        var op = opEnd < 0 ? line : line[..opEnd];
        var args = opEnd < 0 ? ReadOnlySpan<byte>.Empty : line[(opEnd + 1)..];

        if (IsOp(op, "MSG"u8)) StartMessage(args, withHeaders: false, line);
        else if (IsOp(op, "HMSG"u8)) StartMessage(args, withHeaders: true, line);
        else if (IsOp(op, "PING"u8) && args.Trim((byte)' ').IsEmpty) _handler.OnPing();
        else if (IsOp(op, "PONG"u8) && args.Trim((byte)' ').IsEmpty) _handler.OnPong();
        else if (IsOp(op, "+OK"u8) && args.Trim((byte)' ').IsEmpty) _handler.OnOk();
        else if (IsOp(op, "-ERR"u8)) _handler.OnError(ErrorText(args));
        else if (IsOp(op, "INFO"u8))
        {
            var json = args.Trim((byte)' ');
            if (json.IsEmpty || json[0] != (byte)'{')
                throw new NatsProtocolException($"The server sent INFO without a JSON object: '{Preview(line)}'.");
            _handler.OnInfo(Encoding.UTF8.GetString(json));
        }
        else throw new NatsProtocolException($"The server sent an unknown protocol operation: '{Preview(line)}'.");
    }

    private void StartMessage(ReadOnlySpan<byte> args, bool withHeaders, ReadOnlySpan<byte> line)
    {
        Span<Range> parts = stackalloc Range[6];
        var count = SplitArgs(args, parts);
        var expected = withHeaders ? 4 : 3; // without the optional reply subject
        if (count != expected && count != expected + 1)
            throw new NatsProtocolException($"The server sent a malformed {(withHeaders ? "HMSG" : "MSG")} line: '{Preview(line)}'.");
        var hasReply = count == expected + 1;
        var subject = Encoding.UTF8.GetString(args[parts[0]]);
        var sid = ParseNumber(args[parts[1]], "subscription id", line);
        var reply = hasReply ? Encoding.UTF8.GetString(args[parts[2]]) : null;
        var next = hasReply ? 3 : 2;
        long headerLength = 0;
        if (withHeaders) headerLength = ParseNumber(args[parts[next++]], "header size", line);
        var totalLength = ParseNumber(args[parts[next]], "size", line);
        if (totalLength > MaxMessageLength)
            throw new NatsProtocolException($"The server announced a {totalLength}-byte message, above the {MaxMessageLength}-byte limit: '{Preview(line)}'.");
        if (headerLength > totalLength || (withHeaders && headerLength == 0))
            throw new NatsProtocolException($"The server sent an HMSG whose header size does not fit its total size: '{Preview(line)}'.");

        _pending = new PendingMessage(subject, sid, reply, (int)headerLength, (int)totalLength);
        _payload = new byte[totalLength + 2]; // payload plus its closing CRLF
        _payloadFilled = 0;
    }

    private void CompleteMessage()
    {
        var payload = _payload!;
        var pending = _pending;
        _payload = null;
        _pending = default;
        if (payload[^2] != (byte)'\r' || payload[^1] != (byte)'\n')
            throw new NatsProtocolException($"A message on subject '{pending.Subject}' is not followed by CRLF after its {pending.TotalLength} announced bytes; the server stream is out of step.");
        var headers = pending.HeaderLength > 0 ? HeaderCodec.Parse(payload.AsSpan(0, pending.HeaderLength)) : null;
        var data = new ReadOnlyMemory<byte>(payload, pending.HeaderLength, pending.TotalLength - pending.HeaderLength);
        _handler.OnMessage(pending.Subject, pending.Sid, pending.ReplyTo, headers, data);
    }

    private static int SplitArgs(ReadOnlySpan<byte> args, Span<Range> parts)
    {
        var count = 0;
        var i = 0;
        while (i < args.Length)
        {
            while (i < args.Length && (args[i] == (byte)' ' || args[i] == (byte)'\t')) i++;
            if (i >= args.Length) break;
            var start = i;
            while (i < args.Length && args[i] != (byte)' ' && args[i] != (byte)'\t') i++;
            if (count == parts.Length) return count + 1; // too many: reported by the caller
            parts[count++] = new Range(start, i);
        }
        return count;
    }

    private static long ParseNumber(ReadOnlySpan<byte> text, string what, ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty || text.Length > 18 || !Utf8Parser.TryParse(text, out long value, out var consumed) || consumed != text.Length || value < 0)
            throw new NatsProtocolException($"The server sent an invalid {what} '{Encoding.UTF8.GetString(text)}' in '{Preview(line)}'.");
        return value;
    }

    private static bool IsOp(ReadOnlySpan<byte> op, ReadOnlySpan<byte> name)
    {
        if (op.Length != name.Length) return false;
        for (var i = 0; i < op.Length; i++)
            if ((op[i] | 0x20) != (name[i] | 0x20)) return false; // ASCII case-insensitive, as the protocol allows
        return true;
    }

    private static string ErrorText(ReadOnlySpan<byte> args)
    {
        var text = Encoding.UTF8.GetString(args).Trim();
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'') text = text[1..^1];
        return text;
    }

    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 120)]);
        return bytes.Length > 120 ? text + "..." : text;
    }

    private readonly record struct PendingMessage(string Subject, long Sid, string? ReplyTo, int HeaderLength, int TotalLength);
}
