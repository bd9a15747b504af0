using System.Globalization;
using System.Numerics;
using System.Text.Json;
using HarmonyLite.Engine.Codec.Cbor.Values;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

/// <summary>Conformance with the examples of RFC 8949 Appendix A.</summary>
public sealed class CborAppendixATests
{
    public static TheoryData<string> AllVectors() => new(AppendixAVector.ByHex.Keys);

    public static TheoryData<string> RoundtripVectors() => new(AppendixAVector.ByHex.Values.Where(v => v.Roundtrip).Select(v => v.Hex));

    [Fact]
    public void The_data_file_holds_every_example_of_the_appendix()
    {
        Assert.Equal(82, AppendixAVector.ByHex.Count);
        Assert.All(AppendixAVector.ByHex.Values, v => Assert.True(v.Decoded is not null || v.Diagnostic is not null, v.Hex));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Every_example_decodes_to_its_value(string hex)
    {
        var vector = AppendixAVector.ByHex[hex];

        var decoded = CborValue.Decode(vector.Bytes);

        if (vector.Decoded is { } expected)
        {
            AssertMatchesJson(expected, decoded, "$");
        }
        else
        {
            Assert.Equal(vector.Diagnostic, decoded.ToDiagnosticString());
        }
    }

    [Theory]
    [MemberData(nameof(RoundtripVectors))]
    public void Every_roundtrip_example_reencodes_byte_for_byte(string hex)
    {
        var vector = AppendixAVector.ByHex[hex];

        var reencoded = CborValue.Decode(vector.Bytes).Encode();

        Assert.Equal(hex, Convert.ToHexStringLower(reencoded));
    }

    /// <summary>
    /// The JSON form cannot say how a length was encoded, so definite and indefinite lengths both
    /// match; a JSON number with a fraction or exponent is a float, compared bit for bit.
    /// </summary>
    private static void AssertMatchesJson(JsonElement expected, CborValue actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                var raw = expected.GetRawText();
                if (raw.IndexOfAny(['.', 'e', 'E']) >= 0)
                {
                    var number = Assert.IsType<CborFloat>(actual);
                    var want = double.Parse(raw, CultureInfo.InvariantCulture);
                    Assert.True(BitConverter.DoubleToInt64Bits(want) == BitConverter.DoubleToInt64Bits(number.Value), $"{path}: expected {raw}, got {number.Value:R}");
                }
                else
                {
                    Assert.Equal(BigInteger.Parse(raw, CultureInfo.InvariantCulture), Assert.IsType<CborInteger>(actual).Value);
                }

                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), Assert.IsType<CborTextString>(actual).Value);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), Assert.IsType<CborBoolean>(actual).Value);
                break;
            case JsonValueKind.Null:
                Assert.IsType<CborNull>(actual);
                break;
            case JsonValueKind.Array:
                var array = Assert.IsType<CborArray>(actual);
                Assert.Equal(expected.GetArrayLength(), array.Count);
                var index = 0;
                foreach (var item in expected.EnumerateArray())
                {
                    AssertMatchesJson(item, array[index], $"{path}[{index}]");
                    index++;
                }

                break;
            case JsonValueKind.Object:
                var map = Assert.IsType<CborMap>(actual);
                var properties = expected.EnumerateObject().ToList();
                Assert.Equal(properties.Count, map.Count);
                for (var i = 0; i < properties.Count; i++)
                {
                    Assert.Equal(properties[i].Name, Assert.IsType<CborTextString>(map.Entries[i].Key).Value);
                    AssertMatchesJson(properties[i].Value, map.Entries[i].Value, $"{path}.{properties[i].Name}");
                }

                break;
            default:
                Assert.Fail($"{path}: unexpected JSON {expected.ValueKind}");
                break;
        }
    }
}
