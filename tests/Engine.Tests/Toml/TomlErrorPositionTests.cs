using System.Text;
using HarmonyLite.Engine.Toml;
using Xunit;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>Every TOML error names the 1-based line and column of the fault and says what is wrong.</summary>
public sealed class TomlErrorPositionTests
{
    [Theory]
    [InlineData("a = 1\nb = \"open\n", 2, 10, "unterminated string")]
    [InlineData("a = 1\n\n  b = tru\n", 3, 7, "not a TOML value")]
    [InlineData("[server]\nport = 1\nport = 2\n", 3, 1, "the key 'port' is already defined as a value (at line 2, column 1)")]
    [InlineData("[a]\nx = 1\n\n[a]\n", 4, 1, "the table [a] is defined twice (first at line 1, column 1)")]
    [InlineData("n = 9223372036854775808\n", 1, 5, "does not fit in 64 bits")]
    [InlineData("n = 0x8000000000000000\n", 1, 5, "does not fit in 64 bits")]
    [InlineData("x = 1 2\n", 1, 7, "expected the end of the line, found '2'")]
    [InlineData("s = \"\\q\"\n", 1, 6, "invalid escape sequence '\\q'")]
    [InlineData("t = { a = 1,\n b = 2 }\n", 1, 13, "an inline table must be written on one line")]
    [InlineData("a = [1, 2\n", 1, 5, "unterminated array")]
    [InlineData("d = 2021-02-29\n", 1, 5, "day 29 does not exist in 2021-02")]
    [InlineData("a.b = 1\na.b.c = 2\n", 2, 3, "'a.b' is already a value")]
    [InlineData("# comment \u0001\n", 1, 11, "control character U+0001 is not allowed in a comment")]
    [InlineData("x = 1\r\ny = 2\r", 2, 6, "a carriage return must be followed by a line feed")]
    public void Errors_name_line_column_and_reason(string document, int line, int column, string reason)
    {
        var error = Assert.Throws<TomlException>(() => TomlReader.Parse(document));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason);
        Assert.StartsWith($"line {line}, column {column}: ", error.Message);
    }

    [Fact]
    public void Columns_count_characters_not_utf16_units()
    {
        // "😀" is one character but two UTF-16 code units; the stray text after the string starts at column 9.
        var error = Assert.Throws<TomlException>(() => TomlReader.Parse("s = \"😀\" x"));

        Assert.Equal(9, error.Column);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_position()
    {
        var bytes = Encoding.UTF8.GetBytes("a = 1\nb = \"xy").Concat(new byte[] { 0xC3, 0x28, (byte)'"', (byte)'\n' }).ToArray();

        var error = Assert.Throws<TomlException>(() => TomlReader.Parse(bytes));

        Assert.Equal((2, 8), (error.Line, error.Column));
        Assert.Contains("invalid UTF-8 (0xC3)", error.Reason);
    }

    [Fact]
    public void An_unpaired_surrogate_in_a_string_is_refused()
    {
        var error = Assert.Throws<TomlException>(() => TomlReader.Parse("a = \"\ud800\""));

        Assert.Equal((1, 6), (error.Line, error.Column));
    }

    [Fact]
    public void An_offset_beyond_what_DateTimeOffset_holds_is_a_TomlException()
    {
        var error = Assert.Throws<TomlException>(() => TomlReader.Parse("t = 2000-01-01T00:00:00+15:00"));

        Assert.Contains("outside what .NET can represent", error.Reason);
    }
}
