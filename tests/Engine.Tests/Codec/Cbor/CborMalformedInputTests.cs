using HarmonyLite.Engine.Codec.Cbor;
using HarmonyLite.Engine.Codec.Cbor.Values;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

/// <summary>Input that is not one well-formed data item is refused with the offset of the fault.</summary>
public sealed class CborMalformedInputTests
{
    [Theory]
    [InlineData("", 0, "ends where a data item was expected")]
    [InlineData("18", 0, "ends inside a one-byte argument")]
    [InlineData("19 01", 0, "ends inside a two-byte argument")]
    [InlineData("1a 0000 00", 0, "ends inside a four-byte argument")]
    [InlineData("1b 00000000 000000", 0, "ends inside an eight-byte argument")]
    [InlineData("fa 0000", 0, "ends inside a single-precision float")]
    [InlineData("fb 00", 0, "ends inside a double-precision float")]
    [InlineData("82 81 01", 3, "ends where a data item was expected (inside the array that starts at offset 0)")]
    [InlineData("a1 81 01", 3, "ends where a data item was expected (inside the map that starts at offset 0)")]
    [InlineData("9f 01", 2, "ends where a data item was expected (inside the array")]
    [InlineData("c1", 1, "ends where a data item was expected")]
    [InlineData("43 0102", 0, "string of 3 bytes runs past the end of the input (2 byte(s) left)")]
    [InlineData("5a ffffffff 00", 0, "string of 4294967295 bytes runs past the end")]
    [InlineData("7b 7fffffffffffffff 61", 0, "string of 9223372036854775807 bytes runs past the end")]
    [InlineData("9b 0000000100000000", 0, "an array of 4294967296 items cannot fit")]
    [InlineData("98 03 0102", 0, "an array of 3 items cannot fit in the 2 byte(s) left")]
    [InlineData("bb 0000000100000000", 0, "a map of 4294967296 pairs cannot fit")]
    [InlineData("a2 0102 03", 0, "a map of 2 pairs cannot fit")]
    [InlineData("1c", 0, "reserved additional information 28")]
    [InlineData("3d", 0, "reserved additional information 29")]
    [InlineData("5e", 0, "reserved additional information 30")]
    [InlineData("dc 00", 0, "reserved additional information 28")]
    [InlineData("fc", 0, "reserved additional information 28")]
    [InlineData("81 fe", 1, "reserved additional information 30")]
    [InlineData("1f", 0, "major type 0 cannot have an indefinite length")]
    [InlineData("3f", 0, "major type 1 cannot have an indefinite length")]
    [InlineData("df 00", 0, "major type 6 cannot have an indefinite length")]
    [InlineData("ff", 0, "break (0xff) outside an indefinite-length")]
    [InlineData("82 01 ff", 2, "break (0xff) outside")]
    [InlineData("c1 ff", 1, "a tag must be followed by a data item, found a break")]
    [InlineData("9f c1 ff", 2, "a tag must be followed by a data item")]
    [InlineData("bf 01 ff", 2, "ends after a key without its value")]
    [InlineData("5f 01 ff", 1, "may hold only definite-length byte string chunks")]
    [InlineData("5f 61 61 ff", 1, "may hold only definite-length byte string chunks")]
    [InlineData("5f 5f 41 00 ff ff", 1, "may hold only definite-length byte string chunks")]
    [InlineData("7f 41 00 ff", 1, "may hold only definite-length text string chunks")]
    [InlineData("7f 7f ff ff", 1, "may hold only definite-length text string chunks")]
    [InlineData("5f 41 00", 3, "ends where a data item was expected (inside the indefinite-length byte string")]
    [InlineData("62 c3 28", 1, "not valid UTF-8")]
    [InlineData("63 61 62 ff", 3, "not valid UTF-8")]
    [InlineData("63 ed a0 80", 1, "not valid UTF-8")]
    [InlineData("7f 61 61 61 c3 ff", 4, "not valid UTF-8")]
    [InlineData("f8 00", 0, "simple value 0 must be encoded in the initial byte")]
    [InlineData("f8 17", 0, "simple value 23 must be encoded in the initial byte")]
    [InlineData("f8", 0, "ends inside a simple value")]
    [InlineData("01 02", 1, "1 byte(s) follow the data item where a single data item was expected")]
    [InlineData("80 00 00", 1, "2 byte(s) follow the data item")]
    [InlineData("9f ff ff", 2, "1 byte(s) follow the data item")]
    public void Malformed_input_is_refused_with_the_offset_of_the_fault(string hex, int offset, string problem)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", ""));

        var error = Assert.Throws<CborDecodeException>(() => CborValue.Decode(bytes));

        Assert.Equal(offset, error.Offset);
        Assert.Contains(problem, error.Problem);
        Assert.Contains($"byte offset {offset}", error.Message);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Arrays_nest_up_to_the_depth_limit(int depth, bool accepted)
    {
        var bytes = Enumerable.Repeat((byte)0x81, depth - 1).Append((byte)0x80).ToArray();

        if (accepted)
        {
            Assert.IsType<CborArray>(CborValue.Decode(bytes));
        }
        else
        {
            var error = Assert.Throws<CborDecodeException>(() => CborValue.Decode(bytes));
            Assert.Equal(64, error.Offset);
            Assert.Contains("deeper than the limit of 64 levels", error.Problem);
        }
    }

    [Fact]
    public void Tags_count_towards_the_depth_limit()
    {
        var bytes = Enumerable.Repeat((byte)0xC1, 100).Append((byte)0x00).ToArray();

        var error = Assert.Throws<CborDecodeException>(() => CborValue.Decode(bytes));

        Assert.Equal(64, error.Offset);
    }

    [Fact]
    public void The_depth_limit_is_configurable()
    {
        var bytes = Convert.FromHexString("818180");

        Assert.Throws<CborDecodeException>(() => CborValue.Decode(bytes, new CborReaderOptions { MaxNestingDepth = 2 }));
        Assert.IsType<CborArray>(CborValue.Decode(bytes, new CborReaderOptions { MaxNestingDepth = 3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CborReaderOptions { MaxNestingDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CborReaderOptions { MaxNestingDepth = CborReaderOptions.HighestMaxNestingDepth + 1 });
    }

    [Fact]
    public void Deep_nesting_inside_skipped_values_is_refused_too()
    {
        var bytes = Enumerable.Repeat((byte)0x81, 1000).Append((byte)0x80).ToArray();
        var reader = new CborReader(bytes);

        Assert.Throws<CborDecodeException>(reader.SkipValue);
    }

    [Fact]
    public void Reading_another_type_than_the_one_present_is_refused_without_moving()
    {
        var reader = new CborReader(Convert.FromHexString("82616101"), new CborReaderOptions { AllowMultipleRootValues = true });
        reader.ReadStartArray();

        var error = Assert.Throws<CborDecodeException>(() => reader.ReadInt64());

        Assert.Equal(1, error.Offset);
        Assert.Equal("expected an integer, found a text string (inside the array that starts at offset 0)", error.Problem);
        Assert.Equal("a", reader.ReadTextString());
    }

    [Theory]
    [InlineData("1b 8000000000000000", "integer 9223372036854775808 does not fit a 64-bit signed integer")]
    [InlineData("3b 8000000000000000", "integer -1-9223372036854775808 does not fit a 64-bit signed integer")]
    public void Integers_beyond_64_signed_bits_are_refused_by_ReadInt64(string hex, string problem)
    {
        var reader = new CborReader(Convert.FromHexString(hex.Replace(" ", "")));

        var error = Assert.Throws<CborDecodeException>(() => reader.ReadInt64());

        Assert.Equal(problem, error.Problem);
        Assert.Equal(0, reader.CurrentOffset);
    }

    [Fact]
    public void A_sequence_reader_reads_every_root_item_then_finishes()
    {
        var reader = new CborReader(Convert.FromHexString("0102"), new CborReaderOptions { AllowMultipleRootValues = true });

        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(2, reader.ReadInt32());
        Assert.Equal(CborReaderState.Finished, reader.PeekState());
    }
}
