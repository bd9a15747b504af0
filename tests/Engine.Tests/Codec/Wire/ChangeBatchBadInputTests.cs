using System.Formats.Cbor;
using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Codec.Zstd;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>Untrusted bytes: whatever arrives, decoding ends in a batch or a WireFormatException.</summary>
public sealed class ChangeBatchBadInputTests
{
    private static readonly ChangeBatchDecoder Decoder = new();

    [Fact]
    public void A_newer_major_version_is_refused_with_a_clear_error()
    {
        var message = Envelope(("v", w => w.WriteInt32(ChangeBatch.FormatVersion + 1)), ("x", w => w.WriteTextString("a later envelope")));

        var error = Assert.Throws<UnsupportedWireVersionException>(() => Decoder.Decode(message));

        Assert.Equal((ulong)ChangeBatch.FormatVersion + 1, error.Version);
        Assert.Equal(ChangeBatch.FormatVersion, error.HighestSupportedVersion);
        Assert.Contains($"uses wire format version {ChangeBatch.FormatVersion + 1}, but this build of HarmonyLite reads versions up to {ChangeBatch.FormatVersion}", error.Message);
        Assert.Contains("Upgrade this node", error.Message);
    }

    [Theory]
    [InlineData("a0", "does not start with the format version")]
    [InlineData("a3 617a 00 6176 01 6170 40", "does not start with the format version")]
    [InlineData("a3 6176 00 617a 00 6170 40", "format version 0 does not exist")]
    [InlineData("a3 6176 20 617a 00 6170 40", "expected an unsigned integer, found a negative integer")]
    [InlineData("a2 6176 01 6170 40", "the envelope lacks \"z\"")]
    [InlineData("a2 6176 01 617a 00", "the envelope lacks \"p\"")]
    [InlineData("a3 6176 01 617a 07 6170 40", "compression 7 is unknown (this build knows 0, none, and 1, zstd)")]
    [InlineData("a4 6176 01 617a 00 617a 00 6170 40", "the envelope has \"z\" twice")]
    [InlineData("a3 6176 01 617a 00 6170 60", "expected a byte string, found a text string")]
    [InlineData("a3 6176 01 617a 00 6170 40 00", "1 byte(s) follow the data item")]
    [InlineData("a3 6176 01 617a 01 6170 43 010203", "the payload is not valid zstd")]
    [InlineData("83 01 02 03", "expected a map, found an array")]
    [InlineData("", "unexpected end of CBOR encoding data at byte 0")]
    [InlineData("ff", "unexpected break byte at byte 0")]
    [InlineData("a3 6176 01 617a 00 6170 5a ffffffff", "declared definite length of CBOR data item exceeds available buffer size")]
    [InlineData("a4 6176 01 6178 818181818181818181818181818181818101 617a 00 6170 40", "the data nests deeper than 16 levels at byte 21")]
    [InlineData("a3 6176 01 617a 00 6170 40 a0", "1 byte(s) follow the data item")]
    public void A_damaged_envelope_is_refused(string hex, string problem)
    {
        var error = Assert.Throws<WireFormatException>(() => Decoder.Decode(Hex(hex)));

        Assert.StartsWith("Invalid change batch message: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("a0", "the batch lacks \"n\" (node id)")]
    [InlineData("a2 616e 01 6162 6131", "the batch lacks \"c\" (changes)")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a0", "change 0 lacks \"t\" (table)")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a4 6174 6174 616f 01 6168 00 616e 00", "change 0 lacks \"c\" (columns)")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 04 6168 00 616e 00 6163 a0", "change 0 has operation 4")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 f6 616e 00 6163 a0", "change 0 is not valid: expected an integer, found null")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 1bffffffffffffffff 616e 00 6163 a0", "does not fit a 64-bit signed integer")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 6178 80", "Column 'x' of change 0 (table 't') holds an array")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 6178 f5", "Column 'x' of change 0 (table 't') holds a boolean")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 6178 c249010000000000000000", "holds a tag")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 6178 1b8000000000000000", "does not fit a 64-bit signed integer")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a2 6178 01 6178 02", "Column 'x' of change 0 (table 't') appears twice")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 62c328 616f 01 6168 00 616e 00 6163 a0", "the text string is not valid UTF-8")]
    [InlineData("a3 616e 01 6162 62c328 6163 80", "the text string is not valid UTF-8")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a5 6174 6174 616f 01 6168 00 616e 00 6163 a1 62ff00 01", "the text string is not valid UTF-8")]
    [InlineData("a3 616e 01 6162 6131 6163 81 a6 6174 6174 6178 81818181818181818181818181818101 616f 01 6168 00 616e 00 6163 a0", "the data nests deeper than 16 levels")]
    [InlineData("a3 616e 01 6162 6131 6163 82 a5 6174 6174 616f 01 6168 00 616e 00 6163 a0", "change 1 is not valid: unexpected end of CBOR encoding data")]
    [InlineData("a4 616e 01 616e 02 6162 6131 6163 80", "the batch has \"n\" twice")]
    [InlineData("a3 616e 01 6162 6131 6163 80 00", "1 byte(s) follow the data item")]
    public void A_damaged_payload_is_refused(string payloadHex, string problem)
    {
        var error = Assert.Throws<WireFormatException>(() => Decoder.Decode(PlainMessage(Hex(payloadHex))));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Keys_added_by_later_revisions_are_skipped()
    {
        // Unknown keys in the envelope, the batch and a change, holding nested values.
        var payload = Hex("a4 616e 01 6162 6131 6178 a1 61 61 82 01 02 6163 81 a6 6174 6174 616f 01 6168 00 616e 00 6179 c1 00 6163 a1 6178 01");
        var message = Envelope(
            ("v", w => w.WriteInt32(1)),
            ("future", w =>
            {
                w.WriteStartArray(1);
                w.WriteTextString("anything");
                w.WriteEndArray();
            }),
            ("z", w => w.WriteInt32(0)),
            ("p", w => w.WriteByteString(payload)));

        var batch = Decoder.Decode(message);

        var change = Assert.Single(batch.Changes);
        Assert.Equal("t", change.Table);
        Assert.Equal(1L, Assert.Single(change.Columns).Value);
    }

    [Fact]
    public void A_compressed_payload_that_expands_past_the_limit_is_refused()
    {
        var bomb = new ZstdCompressor().Compress(new byte[2 * 1024 * 1024]).ToArray();
        var decoder = new ChangeBatchDecoder(new ChangeBatchDecoderOptions { MaxPayloadBytes = 1024 * 1024 });

        var error = Assert.Throws<WireFormatException>(() => decoder.Decode(ZstdMessage(bomb)));

        Assert.IsType<ZstdSizeLimitExceededException>(error.InnerException);
        Assert.Contains("more than the limit of 1048576 bytes", error.Message);
    }

    [Fact]
    public void A_zstd_bomb_is_refused_without_allocating_its_output()
    {
        // 150 MiB of zeros in a 5 KB frame that does not declare its size, as a fault campaign sent it
        // (the build before took the process from 74 MB to 522 MB resident refusing one).
        var bomb = ZstdBomb.Frame(150 * 1024 * 1024);
        var message = ZstdMessage(bomb);
        Assert.Throws<WireFormatException>(() => Decoder.Decode(message)); // compiles and warms up what a first call loads

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 4; i++)
        {
            var error = Assert.Throws<WireFormatException>(() => Decoder.Decode(message));
            Assert.Contains("decompresses to more than the limit of 67108864 bytes", error.Message);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bomb.Length < 16 * 1024, $"the bomb is {bomb.Length} bytes");
        Assert.True(allocated < 1024 * 1024, $"refusing four bombs allocated {allocated} bytes");
    }

    [Fact]
    public void An_uncompressed_payload_over_the_limit_is_refused()
    {
        var decoder = new ChangeBatchDecoder(new ChangeBatchDecoderOptions { MaxPayloadBytes = 100 });

        var error = Assert.Throws<WireFormatException>(() => decoder.Decode(PlainMessage(new byte[101])));

        Assert.Contains("the payload of 101 bytes is over the limit of 100", error.Message);
    }

    [Fact]
    public void Damaged_compressed_payloads_wrap_zstds_error()
    {
        var frame = new ZstdCompressor().Compress(new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = false }).Encode(ChangeBatchRoundtripTests.ManyRows(50))).ToArray();
        frame[^1] ^= 0xFF;

        var error = Assert.Throws<WireFormatException>(() => Decoder.Decode(ZstdMessage(frame)));

        Assert.IsType<ZstdDataException>(error.InnerException);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Mutated_messages_decode_or_raise_only_WireFormatException()
    {
        var encoders = new[] { new ChangeBatchEncoder(), new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = false }) };
        var mutated =
            from batch in WireGenerators.Batch
            from compress in Gen.Elements(0, 1)
            let message = encoders[compress].Encode(batch)
            from position in Gen.Choose(0, message.Length - 1)
            from replacement in Gen.Choose(0, 255)
            from kind in Gen.Choose(0, 3)
            select Mutate(message, position, (byte)replacement, kind);

        PropertyChecks.Check(mutated, message => DecodesOrRefuses(message), cases: 1000);
    }

    [Fact]
    public void Mutated_payloads_decode_or_raise_only_WireFormatException()
    {
        var plain = new ChangeBatchEncoder(new ChangeBatchEncoderOptions { Compress = false });
        var mutated =
            from batch in WireGenerators.Batch
            let payload = PayloadOf(plain.Encode(batch))
            from position in Gen.Choose(0, payload.Length - 1)
            from replacement in Gen.Choose(0, 255)
            from kind in Gen.Choose(0, 3)
            from compress in Gen.Elements(false, true)
            let damaged = Mutate(payload, position, (byte)replacement, kind)
            select compress ? ZstdMessage(new ZstdCompressor().Compress(damaged).ToArray()) : PlainMessage(damaged);

        PropertyChecks.Check(mutated, message => DecodesOrRefuses(message), cases: 1000);
    }

    [Fact]
    public void Random_bytes_raise_only_WireFormatException()
    {
        PropertyChecks.Check(WireGenerators.Bytes, bytes => DecodesOrRefuses(bytes), cases: 1000);
        PropertyChecks.Check(WireGenerators.Bytes, bytes => DecodesOrRefuses(PlainMessage(bytes)), cases: 1000);
        PropertyChecks.Check(WireGenerators.Bytes, bytes => DecodesOrRefuses(ZstdMessage(bytes)), cases: 300);
    }

    private static bool DecodesOrRefuses(byte[] message)
    {
        try
        {
            Decoder.Decode(message);
        }
        catch (WireFormatException)
        {
        }

        return true;
    }

    private static byte[] Mutate(byte[] bytes, int position, byte replacement, int kind)
    {
        var list = bytes.ToList();
        switch (kind)
        {
            case 0:
                list[position] = replacement;
                break;
            case 1:
                list.Insert(position, replacement);
                break;
            case 2:
                list.RemoveAt(position);
                break;
            default:
                list.RemoveRange(position, list.Count - position);
                break;
        }

        return list.ToArray();
    }

    internal static byte[] PayloadOf(byte[] plainMessage)
    {
        var reader = new CborReader(plainMessage);
        reader.ReadStartMap();
        while (reader.ReadTextString() != "p")
        {
            reader.SkipValue();
        }

        return reader.ReadByteString();
    }

    internal static byte[] PlainMessage(byte[] payload) => Message(0, payload);

    internal static byte[] ZstdMessage(byte[] payload) => Message(1, payload);

    private static byte[] Message(int compression, byte[] payload) => Envelope(
        ("v", w => w.WriteInt32(1)),
        ("z", w => w.WriteInt32(compression)),
        ("p", w => w.WriteByteString(payload)));

    /// <summary>A map of text keys, each value written by its action.</summary>
    private static byte[] Envelope(params (string Key, Action<CborWriter> WriteValue)[] entries)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(entries.Length);
        foreach (var (key, writeValue) in entries)
        {
            writer.WriteTextString(key);
            writeValue(writer);
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
}
