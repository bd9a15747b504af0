using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Codec.Cbor.Values;

namespace HarmonyLite.Engine.Tests.Codec.Cbor;

/// <summary>FsCheck generators of CBOR values that reach every corner of the encoding: every head width, bignums, NaN payloads, chunks.</summary>
internal static class CborGenerators
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

    /// <summary>Any double: random bits (every NaN payload and subnormal) and values exact in half or single precision.</summary>
    public static Gen<double> Double { get; } = Gen.Frequency(
        (1, Gen.Elements(0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, 1.1, 65504.0)),
        (2, UInt64.Select(BitConverter.UInt64BitsToDouble)),
        (1, Gen.Choose(0, ushort.MaxValue).Select(bits => (double)BitConverter.UInt16BitsToHalf((ushort)bits))),
        (1, Gen.Choose(int.MinValue, int.MaxValue).Select(bits => (double)BitConverter.Int32BitsToSingle(bits))));

    /// <summary>Valid Unicode text, mostly ASCII, with BMP and astral characters.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Choose(0, 0xD7FF)),
            (1, Gen.Choose(0xE000, 0x10FFFF)))
        .Select(char.ConvertFromUtf32)
        .ListOf()
        .Select(parts => string.Concat(parts));

    public static Gen<byte[]> Bytes { get; } = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();

    public static Gen<CborValue> Value { get; } = Gen.Sized(size => ValueOfSize(Math.Min(size, 24)));

    private static Gen<CborValue> Leaf { get; } = Gen.Frequency(
        (3, UInt64.Select(n => (CborValue)new CborInteger(n))),
        (3, UInt64.Select(n => (CborValue)new CborInteger(BigInteger.MinusOne - n))),
        (1, from magnitude in Bytes
            from negative in Gen.Elements(false, true)
            let big = (BigInteger.One << 64) + new BigInteger(magnitude, isUnsigned: true, isBigEndian: true)
            select (CborValue)new CborInteger(negative ? -big : big)),
        (3, Double.Select(d => (CborValue)new CborFloat(d))),
        (3, Text.Select(s => (CborValue)new CborTextString(s))),
        (1, Text.ListOf().Select(chunks => (CborValue)CborTextString.FromChunks(chunks))),
        (3, Bytes.Select(b => (CborValue)new CborByteString(b))),
        (1, Bytes.ListOf().Select(chunks => (CborValue)CborByteString.FromChunks(chunks))),
        (1, Gen.Elements<CborValue>(CborBoolean.True, CborBoolean.False, CborNull.Instance, CborUndefined.Instance)),
        (1, Gen.OneOf(Gen.Choose(0, 19), Gen.Choose(24, 255)).Select(v => (CborValue)new CborSimpleValue((byte)v))));

    private static Gen<CborValue> ValueOfSize(int size)
    {
        if (size <= 1)
        {
            return Leaf;
        }

        var child = ValueOfSize(size / 2);
        var arrays =
            from items in child.ListOf()
            from indefinite in Gen.Elements(false, true)
            select (CborValue)new CborArray(items.Take(size), indefinite);
        var maps =
            from keys in child.ListOf()
            from values in child.ListOf()
            from indefinite in Gen.Elements(false, true)
            select (CborValue)new CborMap(keys.Zip(values, (k, v) => new KeyValuePair<CborValue, CborValue>(k, v)).Take(size), indefinite);
        // Tags 2 and 3 over a byte string may read back as integers (bignums), so they are left out.
        var tags =
            from tag in UInt64.Where(t => t is not (2 or 3))
            from content in child
            select (CborValue)new CborTag(tag, content);
        return Gen.Frequency((4, Leaf), (1, arrays), (1, maps), (1, tags));
    }
}
