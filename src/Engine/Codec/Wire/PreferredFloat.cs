using System.Buffers.Binary;

namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>
/// REAL values on the wire, bit for bit: RFC 8949 §4.1 preferred serialization (the shortest of half, single and
/// double precision that widens back to exactly the same bits) and exact widening, both done on the bits. Done
/// here rather than by System.Formats.Cbor, whose writer turns every NaN into <c>f97e00</c> and whose reader
/// (a hardware conversion) quiets signalling NaNs: NaN payloads, signalling NaNs, infinities and -0.0 survive.
/// </summary>
internal static class PreferredFloat
{
    public const int MaxEncodedLength = 9;

    private const int DoubleMantissaBits = 52;
    private const ulong DoubleMantissaMask = (1UL << DoubleMantissaBits) - 1;
    private const int DoubleExponentBias = 1023;

    /// <summary>Writes the CBOR encoding of <paramref name="value"/> (f9, fa or fb and its bits); returns its length.</summary>
    public static int Encode(double value, Span<byte> destination)
    {
        if (TryNarrowToHalf(value, out var half))
        {
            destination[0] = 0xF9;
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], half);
            return 3;
        }

        if (TryNarrowToSingle(value, out var single))
        {
            destination[0] = 0xFA;
            BinaryPrimitives.WriteUInt32BigEndian(destination[1..], single);
            return 5;
        }

        destination[0] = 0xFB;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], BitConverter.DoubleToUInt64Bits(value));
        return 9;
    }

    /// <summary>The value of an encoded half, single or double (as read with ReadEncodedValue), widened exactly.</summary>
    public static double Decode(ReadOnlySpan<byte> encoded) => encoded[0] switch
    {
        0xF9 => HalfToDouble(BinaryPrimitives.ReadUInt16BigEndian(encoded[1..])),
        0xFA => SingleToDouble(BinaryPrimitives.ReadUInt32BigEndian(encoded[1..])),
        0xFB => BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64BigEndian(encoded[1..])),
        _ => throw new ArgumentException($"0x{encoded[0]:x2} does not start a CBOR float.", nameof(encoded)),
    };

    public static double HalfToDouble(ushort bits)
    {
        var negative = (bits & 0x8000) != 0;
        var exponent = (bits >> 10) & 0x1F;
        ulong mantissa = (uint)bits & 0x3FF;
        double magnitude;
        if (exponent == 0x1F)
        {
            magnitude = BitConverter.UInt64BitsToDouble((0x7FFUL << DoubleMantissaBits) | (mantissa << 42));
        }
        else if (exponent == 0)
        {
            // Zero or subnormal: mantissa × 2^-24 is exact in double precision.
            magnitude = Math.ScaleB(mantissa, -24);
        }
        else
        {
            magnitude = BitConverter.UInt64BitsToDouble(((ulong)(exponent - 15 + DoubleExponentBias) << DoubleMantissaBits) | (mantissa << 42));
        }

        return negative ? Negate(magnitude) : magnitude;
    }

    public static double SingleToDouble(uint bits)
    {
        var negative = (bits & 0x8000_0000) != 0;
        var exponent = (int)((bits >> 23) & 0xFF);
        ulong mantissa = bits & 0x7F_FFFF;
        double magnitude;
        if (exponent == 0xFF)
        {
            magnitude = BitConverter.UInt64BitsToDouble((0x7FFUL << DoubleMantissaBits) | (mantissa << 29));
        }
        else if (exponent == 0)
        {
            magnitude = Math.ScaleB(mantissa, -149);
        }
        else
        {
            magnitude = BitConverter.UInt64BitsToDouble(((ulong)(exponent - 127 + DoubleExponentBias) << DoubleMantissaBits) | (mantissa << 29));
        }

        return negative ? Negate(magnitude) : magnitude;
    }

    /// <summary>The half-precision bits that widen back to exactly <paramref name="value"/>, if any.</summary>
    private static bool TryNarrowToHalf(double value, out ushort bits)
    {
        var doubleBits = BitConverter.DoubleToUInt64Bits(value);
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            // Representable only when the payload fits the 10 mantissa bits of a half.
            var sign = (ushort)((doubleBits >> 48) & 0x8000);
            var mantissa = doubleBits & DoubleMantissaMask;
            if ((mantissa & ((1UL << 42) - 1)) != 0)
            {
                bits = 0;
                return false;
            }

            bits = (ushort)(sign | 0x7C00 | (ushort)(mantissa >> 42));
            return true;
        }

        bits = BitConverter.HalfToUInt16Bits((Half)value);
        return BitConverter.DoubleToUInt64Bits(HalfToDouble(bits)) == doubleBits;
    }

    /// <summary>The single-precision bits that widen back to exactly <paramref name="value"/>, if any.</summary>
    private static bool TryNarrowToSingle(double value, out uint bits)
    {
        var doubleBits = BitConverter.DoubleToUInt64Bits(value);
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            var sign = (uint)(doubleBits >> 32) & 0x8000_0000;
            var mantissa = doubleBits & DoubleMantissaMask;
            if ((mantissa & ((1UL << 29) - 1)) != 0)
            {
                bits = 0;
                return false;
            }

            bits = sign | 0x7F80_0000 | (uint)(mantissa >> 29);
            return true;
        }

        bits = BitConverter.SingleToUInt32Bits((float)value);
        return BitConverter.DoubleToUInt64Bits(SingleToDouble(bits)) == doubleBits;
    }

    private static double Negate(double magnitude) =>
        BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(magnitude) | 0x8000_0000_0000_0000UL);
}
