using System.Buffers;
using System.Text;

namespace HarmonyLite.Engine.Toml;

/// <summary>Reads TOML 1.0 documents into <see cref="TomlTable"/>s. Invalid input is a <see cref="TomlException"/>.</summary>
public static class TomlReader
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>Parses UTF-8 bytes (an optional byte order mark first); invalid UTF-8 is rejected with its position.</summary>
    public static TomlTable Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(ByteOrderMark))
        {
            utf8 = utf8[ByteOrderMark.Length..];
        }
        ValidateUtf8(utf8);
        return ParseText(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Parses text (an optional leading U+FEFF byte order mark is skipped).</summary>
    public static TomlTable Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseText(text.StartsWith('\uFEFF') ? text[1..] : text);
    }

    private static TomlTable ParseText(string text)
    {
        ValidateSurrogates(text);
        return new TomlParser(text).Parse();
    }

    private static void ValidateUtf8(ReadOnlySpan<byte> utf8)
    {
        var line = 1;
        var column = 1;
        while (!utf8.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) != OperationStatus.Done)
            {
                var bytes = string.Join(' ', utf8[..Math.Max(consumed, 1)].ToArray().Select(b => $"0x{b:X2}"));
                throw new TomlException($"invalid UTF-8 ({bytes}); TOML documents must be UTF-8", new TomlPosition(line, column));
            }
            if (rune.Value == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
            utf8 = utf8[consumed..];
        }
    }

    /// <summary>A .NET string may hold half a surrogate pair, which is no Unicode character at all.</summary>
    private static void ValidateSurrogates(string text)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new TomlException($"unpaired surrogate U+{(int)c:X4} is not a Unicode character", new TomlPosition(line, column));
            }
            else if (c == '\n')
            {
                line++;
                column = 0;
            }
            column++;
        }
    }
}
