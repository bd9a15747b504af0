namespace HarmonyLite.Engine.Configuration.Toml;

/// <summary>
/// Refuses arrays and inline tables nested deeper than a limit before any parser sees the text: a recursive
/// parser given 50,000 nested brackets would exhaust the stack and take the process down. The scan skips
/// comments and strings, so brackets inside them do not count.
/// </summary>
internal static class TomlNestingGuard
{
    /// <exception cref="TomlReadException">Brackets or braces open deeper than <paramref name="maxDepth"/>.</exception>
    public static void Check(string text, int maxDepth)
    {
        var depth = 0;
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\n':
                    line++;
                    lineStart = i + 1;
                    break;
                case '#':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"' or '\'':
                    i = SkipString(text, i, ref line, ref lineStart);
                    break;
                case '[' or '{':
                    if (++depth > maxDepth)
                    {
                        throw new TomlReadException(line, i - lineStart + 1,
                            $"arrays and inline tables nest deeper than {maxDepth} levels; a configuration never needs that many");
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }
    }

    /// <summary>The index of the last character of the string that starts at <paramref name="start"/>.</summary>
    private static int SkipString(string text, int start, ref int line, ref int lineStart)
    {
        var quote = text[start];
        var multiLine = start + 2 < text.Length && text[start + 1] == quote && text[start + 2] == quote;
        var i = start + (multiLine ? 3 : 1);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && quote == '"')
            {
                i++; // the escaped character, a quote included
                if (i < text.Length && text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }
            else if (c == '\n')
            {
                if (!multiLine)
                {
                    return i - 1; // unterminated: the parser will say so
                }

                line++;
                lineStart = i + 1;
            }
            else if (c == quote && (!multiLine || (i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote)))
            {
                return multiLine ? i + 2 : i;
            }
        }

        return i;
    }
}
