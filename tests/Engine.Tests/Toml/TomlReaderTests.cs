using System.Text;
using HarmonyLite.Engine.Configuration.Toml;
using Tomlyn;
using Xunit;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>The tables the configuration reads: values, key lines, and every error at its 1-based line and column.</summary>
public sealed class TomlReaderTests
{
    [Fact]
    public void Keys_keep_their_1_based_lines_and_document_order()
    {
        var root = TomlReader.Read("""
            title = "demo"
            [server]
              port = 4222
              tls.enabled = true

            [[peers]]
            url = "nats://a"
            [[peers]]
            url = "nats://b"
            """);

        Assert.Equal(["title", "server", "peers"], root.Keys);
        Assert.Equal(1, Line(root, "title"));
        var server = (TomlTable)root["server"];
        Assert.Equal((2, 3), (server.Line, Line(server, "port")));
        Assert.Equal(4, Line((TomlTable)server["tls"], "enabled"));
        var peers = Assert.IsType<TomlArray>(root["peers"]);
        Assert.True(peers.IsArrayOfTables);
        Assert.Equal(9, Line((TomlTable)peers[1], "url"));
    }

    [Fact]
    public void Values_are_plain_clr_types()
    {
        var root = TomlReader.Read("""
            s = 'text'
            i = 0xff
            max = 0x7fffffffffffffff
            min = -9223372036854775808
            f = -1.5e3
            b = false
            odt = 1979-05-27T07:32:00.5-07:00
            ld = 1979-05-27
            a = [1, "two", { three = 3 }]
            t = { nested.key = "v" }
            """);

        Assert.Equal("text", root["s"]);
        Assert.Equal(255L, root["i"]);
        Assert.Equal(long.MaxValue, root["max"]);
        Assert.Equal(long.MinValue, root["min"]);
        Assert.Equal(-1500d, root["f"]);
        Assert.Equal(false, root["b"]);
        var dateTime = Assert.IsType<TomlDateTime>(root["odt"]);
        Assert.Equal(new DateTimeOffset(1979, 5, 27, 7, 32, 0, 500, TimeSpan.FromHours(-7)), dateTime.DateTime);
        Assert.Equal(TomlDateTimeKind.LocalDate, Assert.IsType<TomlDateTime>(root["ld"]).Kind);
        var array = Assert.IsType<TomlArray>(root["a"]);
        Assert.False(array.IsArrayOfTables);
        Assert.Equal(3L, ((TomlTable)array[2])["three"]);
        var inline = Assert.IsType<TomlTable>(root["t"]);
        Assert.True(inline.IsInline);
        Assert.Equal("v", ((TomlTable)inline["nested"])["key"]);
    }

    [Theory]
    [InlineData("[server]\nport = 1\nport = 2\n", 3, 1, "already defined")]
    [InlineData("[a]\nx = 1\n\n[a]\n", 4, 1, "already defined")]
    [InlineData("a.b = 1\n[a]\nc = 2\n", 2, 1, "already defined")]
    [InlineData("t = { a = 1 }\nt.b = 2\n", 2, 1, "already defined")]
    [InlineData("a = [1]\n[[a]]\n", 2, 1, "already defined")]
    [InlineData("x = 1\nn = 9223372036854775808\n", 2, 5, "integer")]
    [InlineData("n = 0xffffffffffffffff\n", 1, 5, "the integer 0xffffffffffffffff does not fit in 64 bits")]
    [InlineData("n = 0o1777777777777777777777\n", 1, 5, "octal")]
    [InlineData("n = 0b1000000000000000000000000000000000000000000000000000000000000000\n", 1, 5, "does not fit in 64 bits")]
    [InlineData("a = 1\nb = \"open\n", 2, 10, "string")]
    [InlineData("a = 1\n\n  b = tru\n", 3, 7, "")]
    [InlineData("d = 2021-02-29\n", 1, 5, "date")]
    public void Errors_name_the_1_based_line_and_column(string document, int line, int column, string reason)
    {
        var error = Assert.Throws<TomlReadException>(() => TomlReader.Read(document));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason);
        Assert.StartsWith($"line {line}, column {column}: ", error.Message);
    }

    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Nesting_past_the_limit_is_refused_before_parsing_at_the_bracket(char open)
    {
        string Nested(int depth) => open == '['
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{ a = ", depth)) + "1" + new string('}', depth);

        Assert.True(TomlReader.Read("\nx = " + Nested(TomlReader.MaxNesting)).ContainsKey("x"));
        var error = Assert.Throws<TomlReadException>(() => TomlReader.Read("\nx = " + Nested(40_000)));

        Assert.Equal(2, error.Line);
        Assert.Equal(open == '[' ? 5 + TomlReader.MaxNesting : 5 + TomlReader.MaxNesting * 6, error.Column);
        Assert.Contains($"nest deeper than {TomlReader.MaxNesting} levels", error.Reason);
    }

    [Fact]
    public void Brackets_in_strings_and_comments_do_not_count_towards_the_nesting_limit()
    {
        var brackets = new string('[', 100);
        var root = TomlReader.Read(
            $"a = \"{brackets}\" # {brackets}\n" +
            $"b = '{brackets}'\n" +
            $"c = \"\"\"\n{brackets} \" \\\"\"\"\"\n" +
            $"d = '''{brackets}'''\n" +
            $"e = [ \"]]]\", '{brackets}' ]\n");

        Assert.Equal(brackets, root["a"]);
        Assert.Equal(2, ((TomlArray)root["e"]).Count);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_position()
    {
        var bytes = Encoding.UTF8.GetBytes("a = 1\nb = \"xy").Concat(new byte[] { 0xC3, 0x28, (byte)'"', (byte)'\n' }).ToArray();

        var error = Assert.Throws<TomlReadException>(() => TomlReader.Read(bytes));

        Assert.Equal((2, 8), (error.Line, error.Column));
        Assert.Contains("invalid UTF-8 (0xC3)", error.Reason);
    }

    [Fact]
    public void Toml_1_1_documents_are_accepted()
    {
        var root = TomlReader.Read("t = { a = 1,\n  b = 2, }\ntime = 07:32\ns = \"\\x41\\e\"\n");

        Assert.Equal(2L, ((TomlTable)root["t"])["b"]);
        Assert.Equal("A\u001b", root["s"]);
    }

    private static int Line(TomlTable table, string key) =>
        table.TryGetEntry(key, out var entry) ? entry.Line : throw new KeyNotFoundException(key);
}
