using HarmonyLite.Engine.Codec.Cbor.Values;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

public sealed class ChangeBatchRoundtripTests
{
    private static readonly ChangeBatchEncoder Compressing = new();
    private static readonly ChangeBatchEncoder Plain = new(new ChangeBatchEncoderOptions { Compress = false });
    private static readonly ChangeBatchDecoder Decoder = new();

    public static TheoryData<bool> CompressionModes() => new(true, false);

    [Theory]
    [MemberData(nameof(CompressionModes))]
    public void Every_sqlite_value_roundtrips_exactly(bool compress)
    {
        var batch = new ChangeBatch(7, "7-1-42",
        [
            Row("integers", ChangeOperation.Insert,
                ("zero", 0L), ("min", long.MinValue), ("max", long.MaxValue), ("minus one", -1L), ("small", 23L), ("null", null)),
            Row("reals", ChangeOperation.Update,
                ("nan", double.NaN),
                ("negative nan with payload", BitConverter.UInt64BitsToDouble(0xFFF8_0000_DEAD_BEEF)),
                ("signalling nan", BitConverter.UInt64BitsToDouble(0x7FF4_0000_0000_0000)),
                ("plus infinity", double.PositiveInfinity),
                ("minus infinity", double.NegativeInfinity),
                ("minus zero", -0.0),
                ("zero", 0.0),
                ("smallest subnormal", double.Epsilon),
                ("max", double.MaxValue),
                ("one point one", 1.1),
                ("one", 1.0)),
            Row("texts", ChangeOperation.Insert,
                ("empty", ""), ("unicode", "zürich 水 \U0001F600"), ("json", "{\"a\": [1, 2]}"), ("nul inside", "a\0b")),
            Row("blobs", ChangeOperation.Insert,
                ("empty", Array.Empty<byte>()), ("bytes", new byte[] { 0, 1, 2, 255 })),
            Row("gone", ChangeOperation.Delete, ("id", 12L)),
            Row("no columns", ChangeOperation.Update),
        ]);

        var decoded = Decoder.Decode(Encoder(compress).Encode(batch));

        BatchAssert.Equal(batch, decoded);
    }

    [Theory]
    [MemberData(nameof(CompressionModes))]
    public void A_mebibyte_of_text_and_of_blob_roundtrip(bool compress)
    {
        var random = new Random(3);
        var text = string.Concat(Enumerable.Range(0, 1024 * 1024).Select(_ => (char)random.Next(0x20, 0x7F)));
        var blob = new byte[1024 * 1024];
        random.NextBytes(blob);
        var batch = new ChangeBatch(1, "big", [Row("documents", ChangeOperation.Insert, ("body", text), ("attachment", blob))]);

        var message = Encoder(compress).Encode(batch);

        BatchAssert.Equal(batch, Decoder.Decode(message));
        Assert.True(message.Length > 2 * 1024 * 1024 * (compress ? 0.8 : 1.0), $"message of {message.Length} bytes");
    }

    [Fact]
    public void An_empty_batch_roundtrips()
    {
        var batch = new ChangeBatch(-5, "", []);

        BatchAssert.Equal(batch, Decoder.Decode(Compressing.Encode(batch)));
    }

    [Fact]
    public void The_envelope_says_version_then_compression_then_payload()
    {
        var batch = ManyRows(200);

        var envelope = Assert.IsType<CborMap>(CborValue.Decode(Compressing.Encode(batch)));

        Assert.Equal(["v", "z", "p"], envelope.Entries.Select(e => Assert.IsType<CborTextString>(e.Key).Value));
        Assert.Equal(new CborInteger(ChangeBatch.FormatVersion), envelope.Entries[0].Value);
        Assert.Equal(new CborInteger(1), envelope.Entries[1].Value);
        Assert.IsType<CborByteString>(envelope.Entries[2].Value);
    }

    [Fact]
    public void Compression_is_used_when_it_shrinks_the_payload()
    {
        var big = ManyRows(200);
        var tiny = new ChangeBatch(1, "t", [Row("t", ChangeOperation.Delete, ("id", 1L))]);

        Assert.Equal(new CborInteger(1), CompressionOf(Compressing.Encode(big)));
        Assert.Equal(new CborInteger(0), CompressionOf(Compressing.Encode(tiny)));
        Assert.Equal(new CborInteger(0), CompressionOf(Plain.Encode(big)));
        Assert.True(Compressing.Encode(big).Length < Plain.Encode(big).Length / 3);
    }

    [Fact]
    public void The_example_of_docs_wire_format_is_what_the_encoder_writes()
    {
        var batch = new ChangeBatch(3, "3-9", [new RowChange("users", ChangeOperation.Update, new RowVersion(1000, 3), [new("id", 1L), new("name", "ann")])]);

        var message = Plain.Encode(batch);

        Assert.Equal(
            "a3617601617a0061705831a3616e03616263332d39616381a56174657573657273616f0261681903e8616e036163a262696401646e616d6563616e6e",
            Convert.ToHexStringLower(message));
        var envelope = (CborMap)CborValue.Decode(message);
        Assert.True(envelope.TryGetValue("p", out var payload));
        Assert.Equal(
            "{\"n\": 3, \"b\": \"3-9\", \"c\": [{\"t\": \"users\", \"o\": 2, \"h\": 1000, \"n\": 3, \"c\": {\"id\": 1, \"name\": \"ann\"}}]}",
            CborValue.Decode(((CborByteString)payload).Value).ToDiagnosticString());
        BatchAssert.Equal(batch, Decoder.Decode(message));
    }

    [Fact]
    public void Random_batches_roundtrip_exactly()
    {
        PropertyChecks.Check(WireGenerators.Batch, batch =>
        {
            BatchAssert.Equal(batch, Decoder.Decode(Compressing.Encode(batch)));
            BatchAssert.Equal(batch, Decoder.Decode(Plain.Encode(batch)));
        }, cases: 200);
    }

    internal static ChangeBatch ManyRows(int rows) => new(
        2,
        "2-1-" + rows,
        Enumerable.Range(0, rows)
            .Select(i => Row("orders", ChangeOperation.Insert, ("id", (long)i), ("customer", $"customer {i % 17}"), ("amount", i * 1.25), ("note", null), ("tag", new byte[] { (byte)i })))
            .ToList());

    private static CborValue CompressionOf(byte[] message) =>
        ((CborMap)CborValue.Decode(message)).TryGetValue("z", out var compression) ? compression : CborUndefined.Instance;

    private static ChangeBatchEncoder Encoder(bool compress) => compress ? Compressing : Plain;

    private static RowChange Row(string table, ChangeOperation operation, params (string Name, object? Value)[] columns) =>
        new(table, operation, new RowVersion(1_700_000_000_000L << RowVersion.LogicalBits, 7), columns.Select(c => new ColumnValue(c.Name, c.Value)).ToList());
}
