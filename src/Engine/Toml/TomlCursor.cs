using System.Globalization;

namespace HarmonyLite.Engine.Toml;

/// <summary>Reads a TOML document character by character, keeping the line and column for error messages.</summary>
internal sealed class TomlCursor
{
    /// <summary>What <see cref="Peek"/> returns past the end of the text.</summary>
    public const int EndOfText = -1;

    private readonly string _text;
    private int _index;
    private int _line = 1;
    private int _column = 1;

    public TomlCursor(string text)
    {
        _text = text;
    }

    public TomlPosition Position => new(_line, _column);

    /// <summary>The character <paramref name="offset"/> places ahead, or <see cref="EndOfText"/>.</summary>
    public int Peek(int offset = 0) => _index + offset < _text.Length ? _text[_index + offset] : EndOfText;

    public char Take()
    {
        var c = _text[_index++];
        if (c == '\n')
        {
            _line++;
            _column = 1;
        }
        else if (!char.IsLowSurrogate(c))
        {
            // The second half of a surrogate pair is the same character as the first: one column.
            _column++;
        }
        return c;
    }

    public void Skip(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Take();
        }
    }

    public TomlException Error(string reason) => new(reason, Position);

    /// <summary>Names a character for an error message: <c>'x'</c>, <c>end of line</c>, <c>U+0007</c>.</summary>
    public static string Describe(int c) => c switch
    {
        EndOfText => "end of file",
        '\n' => "end of line",
        '\r' => "a carriage return",
        '\t' => "a tab",
        ' ' => "a space",
        < 0x20 or 0x7F => string.Create(CultureInfo.InvariantCulture, $"control character U+{c:X4}"),
        _ when char.IsWhiteSpace((char)c) || char.IsSurrogate((char)c) || char.IsControl((char)c) || c == '\uFEFF' =>
            string.Create(CultureInfo.InvariantCulture, $"U+{c:X4}"),
        _ => $"'{(char)c}'",
    };

    /// <summary>True for characters TOML forbids unescaped in strings and comments (all controls but tab).</summary>
    public static bool IsForbiddenControl(int c) => (c < 0x20 && c != '\t' && c >= 0) || c == 0x7F;
}
