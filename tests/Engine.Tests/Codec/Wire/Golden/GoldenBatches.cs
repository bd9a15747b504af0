using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Tests.Codec.Wire.Golden;

/// <summary>
/// The batches behind the golden messages next to this file (<c>NAME.cbor</c>): version 1 messages written by the
/// encoder of the release before System.Formats.Cbor and ZstdSharp replaced the hand-written codec, and version 2
/// messages (column-level changes, <c>column-changes*</c>) written by the release that introduced them. They are the
/// compatibility contract: every build decodes them to these values and encodes these values to exactly those bytes.
/// </summary>
internal static class GoldenBatches
{
    // Declared before All: static fields are initialised in the order they are written.
    private static readonly RowVersion Version = new(1_700_000_000_000L << RowVersion.LogicalBits, 7);

    /// <summary>Every golden message: its file name (without .cbor), its batch, and whether it was written compressed.</summary>
    public static IReadOnlyList<(string Name, ChangeBatch Batch, bool Compress)> All { get; } =
    [
        ("floats", Floats(), false),
        ("integers", Integers(), false),
        ("texts", Texts(), false),
        ("blobs", Blobs(), false),
        ("many-columns", ManyColumns(), false),
        ("operations", Operations(), false),
        ("empty", new ChangeBatch(-5, "", []), true),
        ("tiny-compressed", new ChangeBatch(1, "1-1", [Row("t", ChangeOperation.Delete, ("id", 1L))]), true),
        ("orders-compressed", Orders(200), true),
        ("floats-compressed", Repeat(Floats(), 20), true),
        ("mixed-compressed", Repeat(ManyColumns(), 30), true),
        ("column-changes", ColumnChanges(), false),
        ("column-changes-compressed", Repeat(ColumnChanges(), 40), true),
    ];

    private static double Bits(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    /// <summary>REAL values at every width: NaN payloads (quiet and signalling) that fit half, single or only double.</summary>
    private static ChangeBatch Floats() => new(7, "7-floats",
    [
        Row("reals", ChangeOperation.Insert,
            ("quiet nan", double.NaN),
            ("positive quiet nan", Bits(0x7FF8_0000_0000_0000)),
            ("negative quiet nan with payload", Bits(0xFFF8_0000_DEAD_BEEF)),
            ("signalling nan, half payload", Bits(0x7FF4_0000_0000_0000)),
            ("negative signalling nan, half payload", Bits(0xFFF0_4000_0000_0000)),
            ("quiet nan, half payload", Bits(0x7FFF_C000_0000_0000)),
            ("signalling nan, single payload", Bits(0x7FF0_0000_2000_0000)),
            ("quiet nan, single payload", Bits(0x7FF8_0012_3400_0000)),
            ("signalling nan, double payload", Bits(0x7FF0_0000_0000_0001)),
            ("quiet nan, double payload", Bits(0x7FF8_0000_0000_0001)),
            ("plus infinity", double.PositiveInfinity),
            ("minus infinity", double.NegativeInfinity),
            ("minus zero", -0.0),
            ("zero", 0.0),
            ("one", 1.0),
            ("one point five", 1.5),
            ("half max", 65504.0),
            ("half smallest subnormal", Math.ScaleB(1, -24)),
            ("single", 3.4028234663852886E+38),
            ("single smallest subnormal", Math.ScaleB(1, -149)),
            ("one point one", 1.1),
            ("double smallest subnormal", double.Epsilon),
            ("double max", double.MaxValue),
            ("minus 1e300", -1e300)),
    ]);

    private static ChangeBatch Integers() => new(long.MaxValue, "ints",
    [
        Row("integers", ChangeOperation.Insert,
            ("zero", 0L), ("23", 23L), ("24", 24L), ("255", 255L), ("256", 256L), ("65535", 65535L), ("65536", 65536L),
            ("uint max", (long)uint.MaxValue), ("uint max + 1", (long)uint.MaxValue + 1), ("max", long.MaxValue),
            ("minus one", -1L), ("minus 24", -24L), ("minus 25", -25L), ("minus 256", -256L), ("minus 257", -257L),
            ("minus 2^32", -4294967296L), ("minus 2^32 - 1", -4294967297L), ("min", long.MinValue), ("null", null)),
        new RowChange("versions", ChangeOperation.Update, new RowVersion(long.MaxValue, long.MinValue), [new("id", 1L)]),
        new RowChange("versions", ChangeOperation.Update, new RowVersion(long.MinValue, long.MaxValue), [new("id", 2L)]),
        new RowChange("versions", ChangeOperation.Update, new RowVersion(0, -1), [new("id", 3L)]),
    ]);

    private static ChangeBatch Texts() => new(3, "3-texts ü 水 \U0001F600",
    [
        Row("texts ü", ChangeOperation.Insert,
            ("empty", ""),
            ("ascii", "hello"),
            ("two-byte", "zürich ß"),
            ("three-byte", "水 € \uFFFD"),
            ("four-byte", "\U0001F600 \U00010348"),
            ("nul inside", "a\0b\0"),
            ("controls", "\t\r\n\u0001\u007f"),
            ("json", "{\"a\": [1, 2]}"),
            ("quotes", "it's \"quoted\"; DROP TABLE x; --"),
            ("23 bytes", new string('x', 23)),
            ("24 bytes", new string('y', 24)),
            ("300 bytes", string.Concat(Enumerable.Repeat("0123456789", 30))),
            ("", "empty column name")),
    ]);

    private static ChangeBatch Blobs() => new(4, "4-blobs",
    [
        Row("blobs", ChangeOperation.Insert,
            ("empty", Array.Empty<byte>()),
            ("nul", new byte[] { 0 }),
            ("nuls", new byte[] { 0, 0, 0, 1, 0, 0 }),
            ("every byte", Enumerable.Range(0, 256).Select(b => (byte)b).ToArray()),
            ("invalid utf-8 as a blob", new byte[] { 0xFF, 0x00, 0xFE }),
            // Past 65535 bytes the length takes four bytes.
            ("large", Noise(65_600))),
    ]);

    private static ChangeBatch ManyColumns() => new(5, "5-wide",
    [
        Row("wide", ChangeOperation.Insert, Enumerable.Range(0, 60).Select(i => ($"c{i}", (i % 5) switch
        {
            0 => (object?)(long)(i * 1_000_003L - 7),
            1 => i * 0.5 - 3,
            2 => $"text {i}",
            3 => new[] { (byte)i, (byte)(255 - i) },
            _ => null,
        })).ToArray()),
    ]);

    private static ChangeBatch Operations() => new(6, "6-ops",
    [
        Row("users", ChangeOperation.Insert, ("id", 1L), ("name", "ann")),
        Row("users", ChangeOperation.Update, ("id", 1L), ("name", "anne")),
        Row("users", ChangeOperation.Delete, ("id", 1L)),
        Row("no columns", ChangeOperation.Update),
        Row("\"quoted\" table; --", ChangeOperation.Insert, ("key with space", 2L), ("ключ", "значение")),
    ]);

    /// <summary>Version 2: updates of some columns with the life they belong to, and schema hashes shared by index.</summary>
    private static ChangeBatch ColumnChanges()
    {
        var life = new RowVersion(1_700_000_000_000L << RowVersion.LogicalBits, 3);
        RowChange Change(string table, ChangeOperation operation, string hash, RowVersion? changeLife, params (string Name, object? Value)[] columns) =>
            Row(table, operation, columns) with { Life = changeLife, SchemaHash = hash };
        return new ChangeBatch(8, "8-columns",
        [
            Change("users", ChangeOperation.Insert, "9f86d081884c7d65", null, ("id", 7L), ("email", "a@old"), ("phone", "111")),
            Change("users", ChangeOperation.Update, "9f86d081884c7d65", life, ("id", 7L), ("email", "a@new")),
            Change("orders", ChangeOperation.Update, "60303ae22b998861", life, ("id", "o-1"), ("note", null)),
            Change("users", ChangeOperation.Update, "9f86d081884c7d65", new RowVersion(long.MinValue, long.MaxValue), ("id", 8L), ("phone", 2.5)),
            Change("users", ChangeOperation.Delete, "9f86d081884c7d65", null, ("id", 7L)),
        ]);
    }

    private static ChangeBatch Orders(int rows) => new(2, "2-1-" + rows,
        Enumerable.Range(0, rows)
            .Select(i => Row("orders", ChangeOperation.Insert, ("id", (long)i), ("customer", $"customer {i % 17}"), ("amount", i * 1.25),
                ("note", null), ("tag", new[] { (byte)i })))
            .ToList());

    private static ChangeBatch Repeat(ChangeBatch batch, int times) =>
        batch with { BatchId = batch.BatchId + "x" + times, Changes = Enumerable.Repeat(batch.Changes, times).SelectMany(c => c).ToList() };

    /// <summary>Deterministic bytes that do not compress (xorshift).</summary>
    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        var state = 0x2545F4914F6CDD1DUL;
        for (var i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes[i] = (byte)state;
        }

        return bytes;
    }

    private static RowChange Row(string table, ChangeOperation operation, params (string Name, object? Value)[] columns) =>
        new(table, operation, Version, columns.Select(c => new ColumnValue(c.Name, c.Value)).ToList());
}
