using System.Text;
using HarmonyLite.Engine.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

public sealed class ZstdRoundtripTests
{
    private const int Limit = 64 * 1024 * 1024;

    private readonly ZstdCompressor _compressor = new();
    private readonly ZstdDecompressor _decompressor = new(Limit);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Small_inputs_roundtrip(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        var frame = _compressor.Compress(data).ToArray();

        Assert.Equal(data, _decompressor.Decompress(frame));
    }

    [Fact]
    public void Sixteen_mebibytes_roundtrip_and_shrink()
    {
        var data = CompressibleText(16 * 1024 * 1024);

        var frame = _compressor.Compress(data).ToArray();

        Assert.True(frame.Length < data.Length / 2, $"16 MiB of text compressed to {frame.Length} bytes");
        Assert.Equal(data, _decompressor.Decompress(frame));
    }

    [Fact]
    public void Incompressible_data_roundtrips()
    {
        var data = new byte[1024 * 1024];
        new Random(7).NextBytes(data);

        var frame = _compressor.Compress(data).ToArray();

        Assert.InRange(frame.Length, data.Length, data.Length + 1024);
        Assert.Equal(data, _decompressor.Decompress(frame));
    }

    [Fact]
    public void Frames_record_their_size_and_carry_a_checksum()
    {
        var frame = _compressor.Compress(CompressibleText(10_000));

        // The frame header descriptor (RFC 8878 §3.1.1.1.1): bit 2 is the content checksum flag; a single-segment
        // frame (bit 5) always has a content size, others have it when bits 6-7 are set.
        var descriptor = frame[4];
        Assert.True((descriptor & 0x04) != 0, $"descriptor 0x{descriptor:x2} has no checksum flag");
        Assert.True((descriptor & 0x20) != 0 || (descriptor & 0xC0) != 0, $"descriptor 0x{descriptor:x2} records no content size");
    }

    [Fact]
    public void A_frame_without_a_declared_size_decodes_allocating_only_its_output()
    {
        var data = CompressibleText(3 * 1024 * 1024 + 17);
        var frame = ZstdBomb.StreamedFrame(data);
        _decompressor.Decompress(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var output = _decompressor.Decompress(frame);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(data, output);
        // The output array, and a 64 KiB counting buffer; no buffer growing by doubling.
        Assert.InRange(allocated, data.Length, data.Length + 256 * 1024);
    }

    [Fact]
    public void Concatenated_frames_decompress_to_the_concatenated_content()
    {
        var first = Encoding.UTF8.GetBytes("first frame, ");
        var second = CompressibleText(300_000);
        var streamed = CompressibleText(1000);
        byte[] frames = [.. _compressor.Compress(first), .. _compressor.Compress(second), .. ZstdBomb.StreamedFrame(streamed)];

        Assert.Equal([.. first, .. second, .. streamed], _decompressor.Decompress(frames));
        Assert.Equal([.. first, .. second], _decompressor.Decompress([.. _compressor.Compress(first), .. _compressor.Compress(second)]));
    }

    [Fact]
    public void Higher_levels_compress_text_smaller()
    {
        var data = CompressibleText(256 * 1024);

        var fast = new ZstdCompressor(1).Compress(data).ToArray();
        var strong = new ZstdCompressor(19).Compress(data).ToArray();

        Assert.True(strong.Length < fast.Length, $"level 19: {strong.Length} bytes, level 1: {fast.Length} bytes");
        Assert.Equal(data, _decompressor.Decompress(strong));
    }

    [Fact]
    public void The_level_must_be_in_zstds_range()
    {
        Assert.Equal(ZstdCompressor.DefaultLevel, _compressor.Level);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ZstdCompressor(23));
        Assert.Contains("between", error.Message);
        Assert.Contains("and 22", error.Message);
    }

    /// <summary>Text with the repetition of real rows but not a single repeated pattern.</summary>
    internal static byte[] CompressibleText(int length)
    {
        var random = new Random(42);
        var words = new[] { "alpha", "beta", "gamma", "delta", "harmony", "lite", "sqlite", "nats", "row", "column", "value" };
        var builder = new StringBuilder(length + 64);
        while (builder.Length < length)
        {
            builder.Append(words[random.Next(words.Length)]).Append(' ').Append(random.Next(10_000)).Append(random.Next(8) == 0 ? '\n' : ' ');
        }

        return Encoding.ASCII.GetBytes(builder.ToString(0, length));
    }
}
