using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Codec.Zstd;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Codec.Wire.Golden;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Wire;

/// <summary>
/// The wire format's compatibility contract: the golden messages (written by an earlier release, see
/// <see cref="GoldenBatches"/>) decode to their batches, and this build encodes those batches to the same bytes.
/// A compressed message is the same envelope around the same CBOR payload; the zstd frame itself is the
/// compressor's choice (zstd promises the format, not identical output across its versions: ZstdSharp 0.8.8
/// writes some of libzstd 1.5.4's frames byte for byte and others differently, all decoding alike).
/// </summary>
public sealed class GoldenMessageTests
{
    private static readonly ChangeBatchDecoder Decoder = new();
    private static readonly ChangeBatchEncoder Compressing = new();
    private static readonly ChangeBatchEncoder Plain = new(new ChangeBatchEncoderOptions { Compress = false });

    public static TheoryData<string> Names() => new(GoldenBatches.All.Select(golden => golden.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_golden_message_decodes_to_its_batch(string name)
    {
        var (_, batch, _) = GoldenBatches.All.Single(golden => golden.Name == name);

        BatchAssert.Equal(batch, Decoder.Decode(Read(name)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Its_batch_encodes_to_the_golden_bytes(string name)
    {
        var (_, batch, compress) = GoldenBatches.All.Single(golden => golden.Name == name);

        var golden = Read(name);
        var encoded = (compress ? Compressing : Plain).Encode(batch);

        if (golden[6] == 0)
        {
            Assert.Equal(Convert.ToHexStringLower(golden), Convert.ToHexStringLower(encoded));
        }
        else
        {
            Assert.Equal(1, encoded[6]);
            Assert.Equal(Convert.ToHexStringLower(Payload(golden)), Convert.ToHexStringLower(Payload(encoded)));
        }
    }

    [Fact]
    public void The_golden_set_has_compressed_and_plain_messages()
    {
        // The seventh byte is the value of "z" (the envelope starts a3 6176 01 617a).
        var compression = GoldenBatches.All.Select(golden => Read(golden.Name)[6]).ToList();

        Assert.Contains((byte)0, compression);
        Assert.Contains((byte)1, compression);
    }

    [Fact]
    public void The_golden_set_has_row_level_and_column_level_messages()
    {
        // The fourth byte is the value of "v".
        var versions = GoldenBatches.All.Select(golden => Read(golden.Name)[3]).Distinct().Order().ToList();

        Assert.Equal([(byte)ChangeBatch.RowLevelFormatVersion, (byte)ChangeBatch.FormatVersion], versions);
    }

    /// <summary>The CBOR payload of a message, decompressed.</summary>
    private static byte[] Payload(byte[] message) =>
        new ZstdDecompressor(ChangeBatchDecoderOptions.DefaultMaxPayloadBytes).Decompress(ChangeBatchBadInputTests.PayloadOf(message));

    private static byte[] Read(string name) =>
        File.ReadAllBytes(RepositoryLayout.Path("tests", "Engine.Tests", "Codec", "Wire", "Golden", name + ".cbor"));
}
