using System.Buffers;
using System.Numerics;
using HarmonyLite.Engine.Codec.Cbor;
using HarmonyLite.Engine.Codec.Cbor.Values;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

public sealed class CborWriterTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(23L, "17")]
    [InlineData(24L, "1818")]
    [InlineData(255L, "18ff")]
    [InlineData(256L, "190100")]
    [InlineData(65535L, "19ffff")]
    [InlineData(65536L, "1a00010000")]
    [InlineData(4294967295L, "1affffffff")]
    [InlineData(4294967296L, "1b0000000100000000")]
    [InlineData(long.MaxValue, "1b7fffffffffffffff")]
    [InlineData(-1L, "20")]
    [InlineData(-24L, "37")]
    [InlineData(-25L, "3818")]
    [InlineData(-256L, "38ff")]
    [InlineData(-257L, "390100")]
    [InlineData(-4294967296L, "3affffffff")]
    [InlineData(-4294967297L, "3b0000000100000000")]
    [InlineData(long.MinValue, "3b7fffffffffffffff")]
    public void Integers_take_the_shortest_head_and_read_back(long value, string hex)
    {
        var writer = new CborWriter();
        writer.WriteInt64(value);

        Assert.Equal(hex, Convert.ToHexStringLower(writer.ToArray()));
        Assert.Equal(value, new CborReader(writer.ToArray()).ReadInt64());
    }

    [Theory]
    [InlineData("18446744073709551615", "1bffffffffffffffff")]
    [InlineData("18446744073709551616", "c249010000000000000000")]
    [InlineData("-18446744073709551616", "3bffffffffffffffff")]
    [InlineData("-18446744073709551617", "c349010000000000000000")]
    [InlineData("340282366920938463463374607431768211456", "c2510100000000000000000000000000000000")]
    public void Big_integers_use_bignum_tags_only_beyond_64_bits(string value, string hex)
    {
        var writer = new CborWriter();
        writer.WriteBigInteger(BigInteger.Parse(value));

        Assert.Equal(hex, Convert.ToHexStringLower(writer.ToArray()));
        Assert.Equal(new CborInteger(BigInteger.Parse(value)), CborValue.Decode(writer.ToArray()));
    }

    [Theory]
    [InlineData(0x0000000000000000UL, "f90000")]
    [InlineData(0x8000000000000000UL, "f98000")]
    [InlineData(0x3FF0000000000000UL, "f93c00")] // 1.0
    [InlineData(0x3FF199999999999AUL, "fb3ff199999999999a")] // 1.1
    [InlineData(0x40F86A0000000000UL, "fa47c35000")] // 100000.0
    [InlineData(0x3E70000000000000UL, "f90001")] // smallest half subnormal
    [InlineData(0x36A0000000000000UL, "fa00000001")] // smallest single subnormal
    [InlineData(0x7FF0000000000000UL, "f97c00")] // +infinity
    [InlineData(0xFFF0000000000000UL, "f9fc00")] // -infinity
    [InlineData(0x7FF8000000000000UL, "f97e00")] // quiet NaN
    [InlineData(0x7FF4000000000000UL, "f97d00")] // signalling NaN, payload fits a half
    [InlineData(0xFFF8000020000000UL, "faffc00001")] // negative NaN, payload fits a single
    [InlineData(0x7FF8000000000001UL, "fb7ff8000000000001")] // NaN payload needs a double
    public void Preferred_floats_take_the_shortest_exact_width_and_read_back_bit_for_bit(ulong bits, string hex)
    {
        var writer = new CborWriter();
        writer.WritePreferredFloat(BitConverter.UInt64BitsToDouble(bits));

        Assert.Equal(hex, Convert.ToHexStringLower(writer.ToArray()));
        Assert.Equal(bits, BitConverter.DoubleToUInt64Bits(new CborReader(writer.ToArray()).ReadDouble()));
    }

    [Fact]
    public void Fixed_width_floats_keep_their_width()
    {
        var writer = new CborWriter(allowMultipleRootValues: true);
        writer.WriteHalf((Half)1.5);
        writer.WriteSingle(1.5f);
        writer.WriteDouble(1.5);

        Assert.Equal("f93e00fa3fc00000fb3ff8000000000000", Convert.ToHexStringLower(writer.ToArray()));
        var reader = new CborReader(writer.ToArray(), new CborReaderOptions { AllowMultipleRootValues = true });
        Assert.Equal((Half)1.5, reader.ReadHalf());
        Assert.Equal(1.5f, reader.ReadSingle());
        Assert.Equal(1.5, reader.ReadDouble());
    }

    [Fact]
    public void Strings_arrays_maps_tags_and_simple_values_encode_as_rfc_8949_says()
    {
        var writer = new CborWriter();
        writer.WriteStartMap(3);
        writer.WriteTextString("a");
        writer.WriteStartArray(2);
        writer.WriteByteString([0x01, 0x02]);
        writer.WriteTag(1);
        writer.WriteSimpleValue(255);
        writer.WriteEndArray();
        writer.WriteTextString("ü");
        writer.WriteStartIndefiniteByteString();
        writer.WriteByteString([0x01]);
        writer.WriteByteString([]);
        writer.WriteEndIndefiniteByteString();
        writer.WriteStartIndefiniteTextString();
        writer.WriteTextString("x");
        writer.WriteEndIndefiniteTextString();
        writer.WriteStartArray(null);
        writer.WriteNull();
        writer.WriteUndefined();
        writer.WriteBoolean(true);
        writer.WriteEndArray();
        writer.WriteEndMap();

        var bytes = writer.ToArray();

        Assert.Equal("a3616182420102c1f8ff62c3bc5f410140ff7f6178ff9ff6f7f5ff", Convert.ToHexStringLower(bytes));
        Assert.Equal("{\"a\": [h'0102', 1(simple(255))], \"\\u00fc\": (_ h'01', h''), (_ \"x\"): [_ null, undefined, true]}",
            CborValue.Decode(bytes).ToDiagnosticString());
    }

    [Fact]
    public void A_caller_buffer_receives_the_encoding()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new CborWriter(output);
        writer.WriteTextString("IETF");

        Assert.Equal("6449455446", Convert.ToHexStringLower(output.WrittenSpan));
        Assert.True(writer.IsWriteCompleted);
        Assert.Throws<InvalidOperationException>(() => writer.ToArray());
    }

    [Fact]
    public void Reset_starts_over_on_the_same_buffer()
    {
        var writer = new CborWriter();
        writer.WriteInt32(1);
        writer.Reset();
        writer.WriteInt32(2);

        Assert.Equal("02", Convert.ToHexStringLower(writer.ToArray()));
    }

    [Fact]
    public void Text_with_an_unpaired_surrogate_is_refused()
    {
        var writer = new CborWriter();

        var error = Assert.Throws<ArgumentException>(() => writer.WriteTextString("ab\uD800c"));

        Assert.Contains("unpaired surrogate at index 2", error.Message);
    }

    [Fact]
    public void Misuse_is_an_invalid_operation()
    {
        Assert.Throws<InvalidOperationException>(() => new CborWriter().WriteEndArray());
        Assert.Throws<InvalidOperationException>(() => new CborWriter().WriteEndMap());

        var full = new CborWriter();
        full.WriteStartArray(1);
        full.WriteInt32(1);
        Assert.Throws<InvalidOperationException>(() => full.WriteInt32(2));
        Assert.Throws<InvalidOperationException>(() => full.WriteTag(1));

        var short_ = new CborWriter();
        short_.WriteStartArray(2);
        short_.WriteInt32(1);
        Assert.Throws<InvalidOperationException>(short_.WriteEndArray);
        Assert.Throws<InvalidOperationException>(() => short_.ToArray());

        var halfMap = new CborWriter();
        halfMap.WriteStartMap(null);
        halfMap.WriteInt32(1);
        Assert.Throws<InvalidOperationException>(halfMap.WriteEndMap);

        var chunks = new CborWriter();
        chunks.WriteStartIndefiniteByteString();
        Assert.Throws<InvalidOperationException>(() => chunks.WriteTextString("x"));
        Assert.Throws<InvalidOperationException>(() => chunks.WriteInt32(1));
        Assert.Throws<InvalidOperationException>(() => chunks.WriteTag(1));

        var tagged = new CborWriter();
        tagged.WriteStartArray(null);
        tagged.WriteTag(1);
        Assert.Throws<InvalidOperationException>(tagged.WriteEndArray);

        var single = new CborWriter();
        single.WriteInt32(1);
        Assert.Throws<InvalidOperationException>(() => single.WriteInt32(2));

        Assert.Throws<ArgumentOutOfRangeException>(() => new CborWriter().WriteStartArray(-1));
    }
}
