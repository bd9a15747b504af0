using System.Text;
using HarmonyLite.Engine.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

public sealed class ZstdRoundtripTests
{
    private readonly ZstdCompressor _compressor = new();
    private readonly ZstdDecompressor _decompressor = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Small_inputs_roundtrip(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        var frame = _compressor.Compress(data);

        Assert.Equal(data, _decompressor.Decompress(frame));
        Assert.Equal((ulong)length, ZstdLibrary.Instance.GetFrameContentSize(frame));
    }

    [Fact]
    public void Sixteen_mebibytes_roundtrip_and_shrink()
    {
        var data = CompressibleText(16 * 1024 * 1024);

        var frame = _compressor.Compress(data);

        Assert.True(frame.Length < data.Length / 2, $"16 MiB of text compressed to {frame.Length} bytes");
        Assert.Equal(data, _decompressor.Decompress(frame));
    }

    [Fact]
    public void Incompressible_data_roundtrips_within_the_bound()
    {
        var data = new byte[1024 * 1024];
        new Random(7).NextBytes(data);

        var frame = _compressor.Compress(data);

        Assert.InRange(frame.Length, data.Length, _compressor.GetMaxCompressedLength(data.Length));
        Assert.Equal(data, _decompressor.Decompress(frame));
    }

    [Fact]
    public async Task Streams_roundtrip_through_frames_without_a_declared_size()
    {
        var data = CompressibleText(3 * 1024 * 1024 + 17);
        using var compressed = new MemoryStream();

        var written = await _compressor.CompressAsync(new MemoryStream(data), compressed);

        var frame = compressed.ToArray();
        Assert.Equal(frame.Length, written);
        Assert.Equal(ZstdLibrary.ContentSizeUnknown, ZstdLibrary.Instance.GetFrameContentSize(frame));
        Assert.Equal(data, _decompressor.Decompress(frame));
        using var restored = new MemoryStream();
        Assert.Equal(data.Length, await _decompressor.DecompressAsync(new MemoryStream(frame), restored));
        Assert.Equal(data, restored.ToArray());
    }

    [Fact]
    public async Task An_empty_stream_compresses_to_a_frame_of_nothing()
    {
        using var compressed = new MemoryStream();

        await _compressor.CompressAsync(new MemoryStream(), compressed);

        Assert.Empty(_decompressor.Decompress(compressed.ToArray()));
        using var restored = new MemoryStream();
        Assert.Equal(0, await _decompressor.DecompressAsync(new MemoryStream(compressed.ToArray()), restored));
    }

    [Fact]
    public async Task Concatenated_frames_decompress_to_the_concatenated_content()
    {
        var first = Encoding.UTF8.GetBytes("first frame, ");
        var second = CompressibleText(300_000);
        var frames = _compressor.Compress(first).Concat(_compressor.Compress(second)).ToArray();

        Assert.Equal(first.Concat(second), _decompressor.Decompress(frames));
        using var restored = new MemoryStream();
        await _decompressor.DecompressAsync(new MemoryStream(frames), restored);
        Assert.Equal(first.Concat(second), restored.ToArray());
    }

    [Fact]
    public void Higher_levels_compress_text_smaller()
    {
        var data = CompressibleText(256 * 1024);

        var fast = new ZstdCompressor(1).Compress(data);
        var strong = new ZstdCompressor(19).Compress(data);

        Assert.True(strong.Length < fast.Length, $"level 19: {strong.Length} bytes, level 1: {fast.Length} bytes");
        Assert.Equal(data, _decompressor.Decompress(strong));
    }

    [Fact]
    public void The_level_must_be_in_zstds_range()
    {
        Assert.Equal(ZstdCompressor.DefaultLevel, _compressor.Level);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ZstdCompressor(ZstdLibrary.Instance.MaxCompressionLevel + 1));
        Assert.Contains($"between {ZstdLibrary.Instance.MinCompressionLevel} and {ZstdLibrary.Instance.MaxCompressionLevel}", error.Message);
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
