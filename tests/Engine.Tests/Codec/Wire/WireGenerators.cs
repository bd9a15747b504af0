using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>FsCheck generators of change batches holding every kind of SQLite value, reaching every corner of the encoding.</summary>
internal static class WireGenerators
{
    public static Gen<ulong> UInt64 { get; } = Gen.Frequency(
        (1, Gen.Elements(0UL, 23UL, 24UL, 255UL, 256UL, 65535UL, 65536UL, uint.MaxValue, (ulong)uint.MaxValue + 1, ulong.MaxValue)),
        (3, from high in Gen.Choose(int.MinValue, int.MaxValue)
            from low in Gen.Choose(int.MinValue, int.MaxValue)
            from shift in Gen.Choose(0, 63)
            select (((ulong)(uint)high << 32) | (uint)low) >> shift));

    public static Gen<long> Int64 { get; } = Gen.Frequency(
        (1, Gen.Elements(0L, -1L, long.MinValue, long.MaxValue, -24L, -25L, 24L)),
        (4, UInt64.Select(bits => (long)bits)));

    /// <summary>Any double: random bits (every NaN payload and subnormal), and values exact in half or single precision, NaNs included.</summary>
    public static Gen<double> Double { get; } = Gen.Frequency(
        (1, Gen.Elements(0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 1.1, 65504.0)),
        (2, UInt64.Select(BitConverter.UInt64BitsToDouble)),
        // Half and single bit patterns widened on the bits, so that their signalling NaNs stay signalling.
        (1, Gen.Choose(0, ushort.MaxValue).Select(bits => Widen((ulong)bits << 48, 5, 10))),
        (1, Gen.Choose(int.MinValue, int.MaxValue).Select(bits => Widen((ulong)(uint)bits << 32, 8, 23))));

    /// <summary>Valid Unicode text, mostly ASCII, with BMP and astral characters.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Choose(0, 0xD7FF)),
            (1, Gen.Choose(0xE000, 0x10FFFF)))
        .Select(char.ConvertFromUtf32)
        .ListOf()
        .Select(parts => string.Concat(parts));

    public static Gen<byte[]> Bytes { get; } = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

    /// <summary>TEXT whose bytes are not UTF-8: random bytes with at least one that UTF-8 never has.</summary>
    public static Gen<RawText> RawText { get; } =
        from bytes in Bytes
        from position in Gen.Choose(0, bytes.Length)
        select new RawText([.. bytes[..position], 0xFF, .. bytes[position..]]);

    public static Gen<object?> SqliteValue { get; } = Gen.Frequency(
        (1, Gen.Constant<object?>(null)),
        (3, Int64.Select(v => (object?)v)),
        (3, Double.Select(v => (object?)v)),
        (3, Text.Select(v => (object?)v)),
        (1, RawText.Select(v => (object?)v)),
        (2, Bytes.Select(v => (object?)v)));

    public static Gen<RowChange> Change { get; } =
        from table in Text
        from operation in Gen.Elements(ChangeOperation.Insert, ChangeOperation.Update, ChangeOperation.Delete)
        from hlc in Int64
        from node in Int64
        from names in Text.ListOf()
        from values in SqliteValue.ListOf()
        select new RowChange(
            table,
            operation,
            new RowVersion(hlc, node),
            names.Distinct().Zip(values, (name, value) => new ColumnValue(name, value)).ToList());

    public static Gen<ChangeBatch> Batch { get; } =
        from node in Int64
        from id in Text
        from changes in Change.ListOf()
        select new ChangeBatch(node, id, changes.ToList());

    /// <summary>
    /// The double with the same value as the narrower IEEE 754 number whose bits are the top bits of
    /// <paramref name="bits"/>, computed on the bits (sign, exponent and payload kept).
    /// </summary>
    private static double Widen(ulong bits, int exponentBits, int mantissaBits)
    {
        var width = 1 + exponentBits + mantissaBits;
        var narrow = bits >> (64 - width);
        var sign = narrow >> (width - 1);
        var exponent = (long)((narrow >> mantissaBits) & ((1UL << exponentBits) - 1));
        var mantissa = narrow & ((1UL << mantissaBits) - 1);
        var bias = (1L << (exponentBits - 1)) - 1;
        double magnitude;
        if (exponent == (1L << exponentBits) - 1)
        {
            magnitude = BitConverter.UInt64BitsToDouble((0x7FFUL << 52) | (mantissa << (52 - mantissaBits)));
        }
        else if (exponent == 0)
        {
            magnitude = Math.ScaleB(mantissa, (int)(1 - bias - mantissaBits));
        }
        else
        {
            magnitude = BitConverter.UInt64BitsToDouble(((ulong)(exponent - bias + 1023) << 52) | (mantissa << (52 - mantissaBits)));
        }

        return sign == 0 ? magnitude : BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(magnitude) | (1UL << 63));
    }
}
