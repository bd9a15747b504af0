namespace HarmonyLite.Engine.Codec.Cbor;

/// <summary>
/// Exact conversions between IEEE 754 half, single and double precision done on the bits, so NaN
/// payloads and signalling NaNs survive (a hardware float-to-double conversion quiets them).
/// </summary>
internal static class CborFloatBits
{
    private const int DoubleMantissaBits = 52;
    private const ulong DoubleMantissaMask = (1UL << DoubleMantissaBits) - 1;
    private const int DoubleExponentBias = 1023;

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
    public static bool TryNarrowToHalf(double value, out ushort bits)
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
    public static bool TryNarrowToSingle(double value, out uint bits)
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
