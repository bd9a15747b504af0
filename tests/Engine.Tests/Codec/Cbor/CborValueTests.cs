using System.Numerics;
using HarmonyLite.Engine.Codec.Cbor;
using HarmonyLite.Engine.Codec.Cbor.Values;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

public sealed class CborValueTests
{
    [Theory]
    [InlineData("9f ff", "[_ ]")]
    [InlineData("bf ff", "{_ }")]
    [InlineData("5f ff", "''_")]
    [InlineData("7f ff", "\"\"_")]
    [InlineData("7f 6161 6162 ff", "(_ \"a\", \"b\")")]
    [InlineData("bf 61 61 01 ff", "{_ \"a\": 1}")]
    [InlineData("fa 3fc00000", "1.5")]
    [InlineData("fb 8000000000000000", "-0.0")]
    [InlineData("fb 7e37e43c8800759c", "1.0e+300")]
    [InlineData("fb 3e70000000000000", "5.960464477539063e-8")]
    [InlineData("c2 41 01", "2(h'01')")]
    [InlineData("c2 49 000000000000000001", "2(h'000000000000000001')")]
    [InlineData("62 0a22", "\"\\u000a\\\"\"")]
    [InlineData("f3", "simple(19)")]
    public void Diagnostic_notation_shows_how_items_were_encoded(string hex, string diagnostic)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", ""));

        var value = CborValue.Decode(bytes);

        Assert.Equal(diagnostic, value.ToDiagnosticString());
        Assert.Equal(diagnostic, value.ToString());
    }

    [Theory]
    [InlineData("9f 01 82 02 03 ff")]
    [InlineData("5f 42 0102 40 ff")]
    [InlineData("7f 61 61 ff")]
    [InlineData("c2 41 01")]
    [InlineData("c3 49 000000000000000001")]
    [InlineData("d9 d9f7 a1 00 f6")]
    public void Values_that_are_not_in_preferred_form_still_reencode_byte_for_byte(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", ""));

        Assert.Equal(bytes, CborValue.Decode(bytes).Encode());
    }

    [Fact]
    public void Values_compare_structurally()
    {
        var left = new CborMap([new(new CborTextString("a"), new CborArray([new CborInteger(1), new CborFloat(double.NaN)]))]);
        var right = CborValue.Decode(left.Encode());

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.True(left == right);
        Assert.NotEqual<CborValue>(new CborFloat(0.0), new CborFloat(-0.0));
        Assert.NotEqual<CborValue>(new CborArray([]), new CborArray([], isIndefiniteLength: true));
        Assert.NotEqual<CborValue>(new CborTextString("ab"), CborTextString.FromChunks(["a", "b"]));
        Assert.NotEqual<CborValue>(new CborInteger(1), new CborFloat(1.0));
    }

    [Fact]
    public void Maps_look_up_the_first_entry_with_a_key()
    {
        var map = (CborMap)CborValue.Decode(Convert.FromHexString("a3 6161 01 02 03 6161 04".Replace(" ", "")));

        Assert.True(map.TryGetValue("a", out var a));
        Assert.Equal(new CborInteger(1), a);
        Assert.True(map.TryGetValue(new CborInteger(2), out var two));
        Assert.Equal(new CborInteger(3), two);
        Assert.False(map.TryGetValue("b", out _));
    }

    [Fact]
    public void Integers_of_any_size_encode_and_decode()
    {
        var huge = BigInteger.Pow(2, 200) + 12345;

        Assert.Equal(new CborInteger(huge), CborValue.Decode(new CborInteger(huge).Encode()));
        Assert.Equal(new CborInteger(-huge), CborValue.Decode(new CborInteger(-huge).Encode()));
    }

    [Fact]
    public void Simple_values_20_to_23_are_the_named_ones_and_the_rest_encode_in_the_shortest_form()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CborSimpleValue(20));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CborSimpleValue(23));
        Assert.Equal("f3", Convert.ToHexStringLower(new CborSimpleValue(19).Encode()));
        Assert.Equal("f818", Convert.ToHexStringLower(new CborSimpleValue(24).Encode()));
        Assert.Equal("f820", Convert.ToHexStringLower(new CborSimpleValue(32).Encode()));
    }

    [Fact]
    public void A_reader_can_pull_values_from_a_sequence()
    {
        var reader = new CborReader(Convert.FromHexString("01 6161 80".Replace(" ", "")), new CborReaderOptions { AllowMultipleRootValues = true });

        Assert.Equal(new CborInteger(1), CborValue.Read(reader));
        Assert.Equal(new CborTextString("a"), CborValue.Read(reader));
        Assert.Equal(new CborArray([]), CborValue.Read(reader));
        Assert.Equal(CborReaderState.Finished, reader.PeekState());
    }
}
