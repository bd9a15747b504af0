using System.Globalization;
using System.Text;

namespace HarmonyLite.Engine.Toml;

/// <summary>The four TOML string forms: basic, literal, and their multi-line variants.</summary>
internal static class TomlStringScanner
{
    /// <summary>True when the cursor is at <c>"""</c> or <c>'''</c>.</summary>
    public static bool AtMultiLineOpening(TomlCursor cursor, char quote) =>
        cursor.Peek() == quote && cursor.Peek(1) == quote && cursor.Peek(2) == quote;

    /// <summary>Reads any string form; the cursor is at its opening quote.</summary>
    public static string Read(TomlCursor cursor)
    {
        var quote = (char)cursor.Peek();
        return (quote, AtMultiLineOpening(cursor, quote)) switch
        {
            ('"', false) => ReadBasic(cursor),
            ('"', true) => ReadMultiLineBasic(cursor),
            (_, false) => ReadLiteral(cursor),
            (_, true) => ReadMultiLineLiteral(cursor),
        };
    }

    public static string ReadBasic(TomlCursor cursor) => ReadSingleLine(cursor, '"', escapes: true,
        unterminated: "unterminated string: the closing '\"' is missing",
        endOfLine: "unterminated string: a basic string must close on the line it starts; use \"\"\" for a multi-line string",
        forbidden: "must be escaped in a string");

    public static string ReadLiteral(TomlCursor cursor) => ReadSingleLine(cursor, '\'', escapes: false,
        unterminated: "unterminated literal string: the closing \"'\" is missing",
        endOfLine: "unterminated literal string: it must close on the line it starts; use ''' for a multi-line string",
        forbidden: "is not allowed in a literal string");

    /// <summary>A basic or a literal string on one line: they differ only in escapes and in what their errors say.</summary>
    private static string ReadSingleLine(TomlCursor cursor, char quote, bool escapes, string unterminated, string endOfLine, string forbidden)
    {
        var start = cursor.Position;
        cursor.Take();
        var text = new StringBuilder();
        while (true)
        {
            var c = cursor.Peek();
            if (c == TomlCursor.EndOfText) throw new TomlException(unterminated, start);
            if (c == quote)
            {
                cursor.Take();
                return text.ToString();
            }
            if (c == '\\' && escapes)
            {
                ReadEscape(cursor, text);
                continue;
            }
            if (c is '\n' or '\r') throw cursor.Error(endOfLine);
            if (TomlCursor.IsForbiddenControl(c)) throw cursor.Error($"{TomlCursor.Describe(c)} {forbidden}");
            text.Append(cursor.Take());
        }
    }

    public static string ReadMultiLineBasic(TomlCursor cursor)
    {
        var start = cursor.Position;
        cursor.Skip(3);
        SkipNewlineAfterOpening(cursor);
        var text = new StringBuilder();
        while (true)
        {
            var c = cursor.Peek();
            switch (c)
            {
                case TomlCursor.EndOfText:
                    throw new TomlException("unterminated multi-line string: the closing '\"\"\"' is missing", start);
                case '"':
                    if (ReadQuotesOrClose(cursor, '"', text))
                    {
                        return text.ToString();
                    }
                    break;
                case '\\':
                    if (IsLineEndingBackslash(cursor))
                    {
                        SkipLineEndingBackslash(cursor);
                    }
                    else
                    {
                        ReadEscape(cursor, text);
                    }
                    break;
                default:
                    ReadMultiLineCharacter(cursor, text);
                    break;
            }
        }
    }

    public static string ReadMultiLineLiteral(TomlCursor cursor)
    {
        var start = cursor.Position;
        cursor.Skip(3);
        SkipNewlineAfterOpening(cursor);
        var text = new StringBuilder();
        while (true)
        {
            var c = cursor.Peek();
            if (c == TomlCursor.EndOfText)
            {
                throw new TomlException("unterminated multi-line literal string: the closing \"'''\" is missing", start);
            }
            if (c == '\'')
            {
                if (ReadQuotesOrClose(cursor, '\'', text))
                {
                    return text.ToString();
                }
                continue;
            }
            ReadMultiLineCharacter(cursor, text);
        }
    }

    /// <summary>A newline right after the opening delimiter is not part of a multi-line string.</summary>
    private static void SkipNewlineAfterOpening(TomlCursor cursor)
    {
        if (cursor.Peek() == '\n')
        {
            cursor.Take();
        }
        else if (cursor.Peek() == '\r' && cursor.Peek(1) == '\n')
        {
            cursor.Skip(2);
        }
    }

    /// <summary>
    /// At a run of quotes inside a multi-line string: one or two are content; three or more close the
    /// string, the extra one or two (before the closing three) being content. Returns true when closed.
    /// </summary>
    private static bool ReadQuotesOrClose(TomlCursor cursor, char quote, StringBuilder text)
    {
        var run = 0;
        while (cursor.Peek(run) == quote)
        {
            run++;
        }
        if (run < 3)
        {
            text.Append(quote, run);
            cursor.Skip(run);
            return false;
        }
        if (run > 5)
        {
            cursor.Skip(5);
            throw cursor.Error($"too many {quote} characters: a multi-line string closes with three, and at most two more may precede them; escape the rest");
        }
        text.Append(quote, run - 3);
        cursor.Skip(run);
        return true;
    }

    private static void ReadMultiLineCharacter(TomlCursor cursor, StringBuilder text)
    {
        var c = cursor.Peek();
        if (c == '\r')
        {
            if (cursor.Peek(1) != '\n')
            {
                throw cursor.Error("a carriage return must be followed by a line feed");
            }
            cursor.Skip(2);
            text.Append('\n');
            return;
        }
        if (c == '\n')
        {
            text.Append(cursor.Take());
            return;
        }
        if (TomlCursor.IsForbiddenControl(c))
        {
            throw cursor.Error($"{TomlCursor.Describe(c)} is not allowed in a string; escape it");
        }
        text.Append(cursor.Take());
    }

    /// <summary>A backslash followed only by spaces or tabs up to the end of the line.</summary>
    private static bool IsLineEndingBackslash(TomlCursor cursor)
    {
        var offset = 1;
        while (cursor.Peek(offset) is ' ' or '\t')
        {
            offset++;
        }
        return cursor.Peek(offset) == '\n' || (cursor.Peek(offset) == '\r' && cursor.Peek(offset + 1) == '\n');
    }

    /// <summary>Drops the backslash and all whitespace and newlines up to the next visible character.</summary>
    private static void SkipLineEndingBackslash(TomlCursor cursor)
    {
        cursor.Take();
        while (true)
        {
            var c = cursor.Peek();
            if (c is ' ' or '\t' or '\n')
            {
                cursor.Take();
            }
            else if (c == '\r' && cursor.Peek(1) == '\n')
            {
                cursor.Skip(2);
            }
            else
            {
                return;
            }
        }
    }

    private static void ReadEscape(TomlCursor cursor, StringBuilder text)
    {
        var start = cursor.Position;
        cursor.Take();
        var c = cursor.Peek();
        switch (c)
        {
            case 'b': text.Append('\b'); break;
            case 't': text.Append('\t'); break;
            case 'n': text.Append('\n'); break;
            case 'f': text.Append('\f'); break;
            case 'r': text.Append('\r'); break;
            case '"': text.Append('"'); break;
            case '\\': text.Append('\\'); break;
            case 'u':
            case 'U':
                cursor.Take();
                text.Append(ReadUnicodeEscape(cursor, start, c == 'u' ? 4 : 8));
                return;
            default:
                throw new TomlException(
                    $"invalid escape sequence '\\{(c == TomlCursor.EndOfText ? "" : ((char)c).ToString())}'; TOML 1.0 allows \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX",
                    start);
        }
        cursor.Take();
    }

    private static string ReadUnicodeEscape(TomlCursor cursor, TomlPosition start, int digits)
    {
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            var c = cursor.Peek();
            if (c == TomlCursor.EndOfText || !char.IsAsciiHexDigit((char)c))
            {
                throw new TomlException($"invalid unicode escape: \\{(digits == 4 ? 'u' : 'U')} needs exactly {digits} hexadecimal digits", start);
            }
            value = value * 16 + HexValue(cursor.Take());
            if (value > 0x10FFFF)
            {
                throw new TomlException("invalid unicode escape: the value is above U+10FFFF", start);
            }
        }
        if (value is >= 0xD800 and <= 0xDFFF)
        {
            throw new TomlException(
                string.Create(CultureInfo.InvariantCulture, $"invalid unicode escape: U+{value:X4} is a surrogate, not a Unicode scalar value"),
                start);
        }
        return char.ConvertFromUtf32(value);
    }

    private static int HexValue(char digit) => digit switch
    {
        <= '9' => digit - '0',
        <= 'F' => digit - 'A' + 10,
        _ => digit - 'a' + 10,
    };
}
