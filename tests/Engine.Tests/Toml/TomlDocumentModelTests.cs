using HarmonyLite.Engine.Toml;
using Xunit;

namespace HarmonyLite.Engine.Tests.Toml;

/// <summary>The parsed document: CLR value types, key order and the source position of every key.</summary>
public sealed class TomlDocumentModelTests
{
    private const string Document = """
        title = "demo"
        [server]
          port = 4222
          tls.enabled = true

        [[peers]]
        url = "nats://a"
        [[peers]]
        url = "nats://b"
        """;

    [Fact]
    public void Keys_keep_their_source_positions()
    {
        var root = TomlReader.Parse(Document);
        var server = (TomlTable)root["server"];
        var tls = (TomlTable)server["tls"];
        var secondPeer = (TomlTable)((TomlArray)root["peers"])[1];

        Assert.True(root.TryGetPosition("title", out var title));
        Assert.Equal(new TomlPosition(1, 1), title);
        Assert.True(server.TryGetPosition("port", out var port));
        Assert.Equal(new TomlPosition(3, 3), port);
        Assert.True(tls.TryGetPosition("enabled", out var enabled));
        Assert.Equal(new TomlPosition(4, 7), enabled);
        Assert.True(secondPeer.TryGetPosition("url", out var url));
        Assert.Equal(new TomlPosition(9, 1), url);
        Assert.Equal(new TomlPosition(2, 1), server.Position);
        Assert.False(root.TryGetPosition("missing", out _));
    }

    [Fact]
    public void Tables_enumerate_in_document_order()
    {
        var root = TomlReader.Parse("z = 1\na = 2\nm = 3\n");

        Assert.Equal(["z", "a", "m"], root.Keys);
        Assert.Equal([1L, 2L, 3L], root.Values);
    }

    [Fact]
    public void Values_are_plain_clr_types()
    {
        var root = TomlReader.Parse("""
            s = 'text'
            i = 0xff
            f = -1.5e3
            b = false
            odt = 1979-05-27 07:32:00.5-07:00
            ldt = 1979-05-27T07:32:00
            ld = 1979-05-27
            lt = 07:32:00.000120
            a = [1, "two", { three = 3 }]
            """);

        Assert.Equal("text", root["s"]);
        Assert.Equal(255L, root["i"]);
        Assert.Equal(-1500d, root["f"]);
        Assert.Equal(false, root["b"]);
        Assert.Equal(new DateTimeOffset(1979, 5, 27, 7, 32, 0, 500, TimeSpan.FromHours(-7)), root["odt"]);
        Assert.Equal(new TomlLocalDateTime(new TomlLocalDate(1979, 5, 27), new TomlLocalTime(7, 32, 0, 0, 0)), root["ldt"]);
        Assert.Equal(new TomlLocalDate(1979, 5, 27), root["ld"]);
        Assert.Equal(new TomlLocalTime(7, 32, 0, 120_000, 6), root["lt"]);
        var array = (TomlArray)root["a"];
        Assert.False(array.IsArrayOfTables);
        Assert.Equal(3L, ((TomlTable)array[2])["three"]);
    }

    [Theory]
    [InlineData("07:32:00", "07:32:00")]
    [InlineData("07:32:00.5", "07:32:00.5")]
    [InlineData("07:32:00.500", "07:32:00.500")]
    [InlineData("07:32:00.123456789", "07:32:00.123456789")]
    [InlineData("07:32:00.1234567891", "07:32:00.123456789")]
    public void Local_times_keep_the_written_precision_up_to_nanoseconds(string written, string expected)
    {
        var time = (TomlLocalTime)TomlReader.Parse($"t = {written}")["t"];

        Assert.Equal(expected, time.ToString());
    }

    [Fact]
    public void A_leap_second_in_an_offset_date_time_rolls_into_the_next_minute()
    {
        var value = (DateTimeOffset)TomlReader.Parse("t = 2016-12-31T23:59:60Z")["t"];

        Assert.Equal(new DateTimeOffset(2017, 1, 1, 0, 0, 0, TimeSpan.Zero), value);
    }

    [Fact]
    public void Multi_line_strings_turn_crlf_into_lf()
    {
        var value = TomlReader.Parse("s = \"\"\"\r\none\r\ntwo\"\"\"\r\n")["s"];

        Assert.Equal("one\ntwo", value);
    }
}
