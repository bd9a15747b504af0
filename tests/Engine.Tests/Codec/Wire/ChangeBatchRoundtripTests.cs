using System.Formats.Cbor;
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
                ("empty", ""), ("unicode", "zürich 水 \U0001F600"), ("json", "{\"a\": [1, 2]}"), ("nul inside", "a\0b"),
                ("not utf-8", new RawText([0xFF, 0x00, 0xFE])), ("lone surrogate as utf-8", new RawText([0xED, 0xA0, 0x80]))),
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
        var reader = new CborReader(Compressing.Encode(ManyRows(200)));

        Assert.Equal(3, reader.ReadStartMap());
        // Whole-row changes with no life and no schema hash need nothing of version 2: version 1, as earlier builds wrote them.
        Assert.Equal(("v", (ulong)ChangeBatch.RowLevelFormatVersion), (reader.ReadTextString(), reader.ReadUInt64()));
        Assert.Equal(("z", 1UL), (reader.ReadTextString(), reader.ReadUInt64()));
        Assert.Equal("p", reader.ReadTextString());
        Assert.Equal(CborReaderState.ByteString, reader.PeekState());
    }

    [Fact]
    public void Compression_is_used_when_it_shrinks_the_payload()
    {
        var big = ManyRows(200);
        var tiny = new ChangeBatch(1, "t", [Row("t", ChangeOperation.Delete, ("id", 1L))]);

        Assert.Equal(1, CompressionOf(Compressing.Encode(big)));
        Assert.Equal(0, CompressionOf(Compressing.Encode(tiny)));
        Assert.Equal(0, CompressionOf(Plain.Encode(big)));
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
        BatchAssert.Equal(batch, Decoder.Decode(message));
    }

    [Fact]
    public void Text_that_is_not_utf8_travels_as_its_bytes_in_a_text_string()
    {
        var raw = new RawText([0xFF, 0x00, 0xFE]);
        var batch = new ChangeBatch(1, "1-1", [Row("t", ChangeOperation.Insert, ("bad text", raw), ("good text", "ok"))]);

        var payload = ChangeBatchBadInputTests.PayloadOf(Plain.Encode(batch));
        var decoded = Decoder.Decode(Compressing.Encode(batch));

        // Major type 3 with a length of 3, then exactly the bytes: 63 ff00fe.
        Assert.Contains("686261642074657874" + "63ff00fe", Convert.ToHexStringLower(payload));
        var columns = Assert.Single(decoded.Changes).Columns;
        Assert.Equal(raw, Assert.IsType<RawText>(columns[0].Value));
        Assert.Equal("ok", Assert.IsType<string>(columns[1].Value));
    }

    [Theory]
    [InlineData("61c3", "a lone lead byte")]
    [InlineData("62c0af", "an overlong slash")]
    [InlineData("63eda080", "a UTF-16 surrogate")]
    [InlineData("64f4908080", "past U+10FFFF")]
    [InlineData("7f61ff61feff", "indefinite-length chunks")]
    public void A_text_string_that_is_not_utf8_decodes_to_RawText(string valueHex, string what)
    {
        var message = ChangeBatchBadInputTests.PlainMessage(Convert.FromHexString(
            "a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 6178".Replace(" ", "") + valueHex));

        var value = Assert.Single(Assert.Single(Decoder.Decode(message).Changes).Columns).Value;

        var raw = Assert.IsType<RawText>(value);
        Assert.True(raw.Bytes.Length > 0, what);
    }

    [Fact]
    public void RawText_holding_valid_utf8_arrives_as_a_string()
    {
        var batch = new ChangeBatch(1, "1-1", [Row("t", ChangeOperation.Insert, ("text", new RawText("zürich"u8.ToArray())))]);

        var value = Assert.Single(Assert.Single(Decoder.Decode(Plain.Encode(batch)).Changes).Columns).Value;

        Assert.Equal("zürich", Assert.IsType<string>(value));
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

    private static int CompressionOf(byte[] message)
    {
        var reader = new CborReader(message);
        reader.ReadStartMap();
        while (reader.ReadTextString() != "z")
        {
            reader.SkipValue();
        }

        return (int)reader.ReadUInt64();
    }

    private static ChangeBatchEncoder Encoder(bool compress) => compress ? Compressing : Plain;

    private static RowChange Row(string table, ChangeOperation operation, params (string Name, object? Value)[] columns) =>
        new(table, operation, new RowVersion(1_700_000_000_000L << RowVersion.LogicalBits, 7), columns.Select(c => new ColumnValue(c.Name, c.Value)).ToList());
}
