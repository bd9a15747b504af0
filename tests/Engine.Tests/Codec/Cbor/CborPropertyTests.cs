using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Codec.Cbor;
using HarmonyLite.Engine.Codec.Cbor.Values;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

/// <summary>Properties over random values and random, truncated and mutated bytes.</summary>
public sealed class CborPropertyTests
{
    /// <summary>Bytes that open or close structures and arguments, so random input reaches deep paths.</summary>
    private static readonly byte[] InterestingBytes =
    [
        0x00, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1F, 0x20, 0x38, 0x3B, 0x3F, 0x40, 0x41, 0x58, 0x5A, 0x5B, 0x5F,
        0x60, 0x61, 0x62, 0x78, 0x7B, 0x7F, 0x80, 0x81, 0x98, 0x9B, 0x9F, 0xA0, 0xA1, 0xB8, 0xBB, 0xBF, 0xC0, 0xC2,
        0xC3, 0xD8, 0xDB, 0xDF, 0xE0, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFF, 0xC3, 0xED, 0x80,
    ];

    [Fact]
    public void Every_value_decodes_to_itself_after_encoding()
    {
        PropertyChecks.Check(CborGenerators.Value, value => CborValue.Decode(value.Encode()).Equals(value), cases: 500);
    }

    [Fact]
    public void Reencoding_a_decoded_value_gives_the_same_bytes()
    {
        PropertyChecks.Check(CborGenerators.Value, value =>
        {
            var encoded = value.Encode();
            return CborValue.Decode(encoded).Encode().AsSpan().SequenceEqual(encoded);
        });
    }

    [Fact]
    public void Every_proper_prefix_of_an_encoding_is_refused_as_truncated()
    {
        PropertyChecks.Check(CborGenerators.Value, value =>
        {
            var encoded = value.Encode();
            for (var length = 0; length < encoded.Length; length++)
            {
                var prefix = encoded.AsMemory(0, length);
                var error = Assert.Throws<CborDecodeException>(() => CborValue.Decode(prefix));
                Assert.InRange(error.Offset, 0, length);
            }
        }, cases: 200);
    }

    [Fact]
    public void A_byte_after_a_complete_item_is_refused_as_trailing()
    {
        var withExtra = from value in CborGenerators.Value from extra in Gen.Choose(0, 255) select (value.Encode(), (byte)extra);

        PropertyChecks.Check(withExtra, input =>
        {
            var (encoded, extra) = input;
            var error = Assert.Throws<CborDecodeException>(() => CborValue.Decode(encoded.Append(extra).ToArray()));
            Assert.Equal(encoded.Length, error.Offset);
        });
    }

    [Fact]
    public void Mutated_encodings_decode_or_raise_only_CborDecodeException()
    {
        var mutated =
            from value in CborGenerators.Value
            let encoded = value.Encode()
            from position in Gen.Choose(0, encoded.Length - 1)
            from replacement in Gen.Frequency((1, Gen.Choose(0, 255).Select(b => (byte)b)), (1, Gen.Elements(InterestingBytes)))
            from kind in Gen.Choose(0, 2)
            select Mutate(encoded, position, replacement, kind);

        PropertyChecks.Check(mutated, bytes => DecodesOrRefuses(bytes), cases: 2000);
    }

    [Fact]
    public void Random_bytes_decode_or_raise_only_CborDecodeException()
    {
        var randomBytes = Gen.Frequency(
                (1, Gen.Choose(0, 255).Select(b => (byte)b)),
                (2, Gen.Elements(InterestingBytes)))
            .ArrayOf();

        PropertyChecks.Check(randomBytes, bytes => DecodesOrRefuses(bytes), cases: 3000);
    }

    private static byte[] Mutate(byte[] encoded, int position, byte replacement, int kind)
    {
        var bytes = encoded.ToList();
        switch (kind)
        {
            case 0:
                bytes[position] = replacement;
                break;
            case 1:
                bytes.Insert(position, replacement);
                break;
            default:
                bytes.RemoveAt(position);
                break;
        }

        return bytes.ToArray();
    }

    /// <summary>Decoding, and skipping, either succeed or fail with CborDecodeException; anything else escapes and fails the property.</summary>
    private static bool DecodesOrRefuses(byte[] bytes)
    {
        try
        {
            CborValue.Decode(bytes);
        }
        catch (CborDecodeException)
        {
        }

        try
        {
            var reader = new CborReader(bytes, new CborReaderOptions { AllowMultipleRootValues = true });
            while (reader.PeekState() != CborReaderState.Finished)
            {
                reader.SkipValue();
            }
        }
        catch (CborDecodeException)
        {
        }

        return true;
    }
}
