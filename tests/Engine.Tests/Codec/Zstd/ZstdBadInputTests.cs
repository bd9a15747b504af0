using HarmonyLite.Engine.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

/// <summary>Corrupt, truncated, foreign and oversized input is refused with typed errors.</summary>
public sealed class ZstdBadInputTests
{
    private readonly ZstdCompressor _compressor = new();

    [Fact]
    public void Input_that_is_not_zstd_names_zstds_error()
    {
        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor().Decompress("definitely not zstd"u8));

        Assert.Equal("Unknown frame descriptor", error.ErrorName);
        Assert.Contains("Unknown frame descriptor", error.Message);
    }

    [Fact]
    public void A_damaged_frame_names_zstds_error()
    {
        var frame = _compressor.Compress(ZstdRoundtripTests.CompressibleText(100_000));
        frame[frame.Length / 2] ^= 0x55;

        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor().Decompress(frame));

        Assert.False(string.IsNullOrEmpty(error.ErrorName));
        Assert.Contains(error.ErrorName!, error.Message);
    }

    [Fact]
    public void A_damaged_checksum_is_detected()
    {
        var frame = _compressor.Compress(ZstdRoundtripTests.CompressibleText(10_000));
        frame[^1] ^= 0x01;

        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor().Decompress(frame));

        Assert.Equal("Restored data doesn't match checksum", error.ErrorName);
    }

    [Fact]
    public async Task A_truncated_frame_is_refused()
    {
        var frame = _compressor.Compress(ZstdRoundtripTests.CompressibleText(100_000));
        var truncated = frame[..^10];

        Assert.Throws<ZstdDataException>(() => new ZstdDecompressor().Decompress(truncated));
        await Assert.ThrowsAsync<ZstdDataException>(() => new ZstdDecompressor().DecompressAsync(new MemoryStream(truncated), Stream.Null));
    }

    [Fact]
    public async Task Empty_input_is_refused()
    {
        Assert.Throws<ZstdDataException>(() => new ZstdDecompressor().Decompress([]));
        await Assert.ThrowsAsync<ZstdDataException>(() => new ZstdDecompressor().DecompressAsync(new MemoryStream(), Stream.Null));
    }

    [Fact]
    public void Random_bytes_after_a_valid_magic_number_raise_only_zstd_data_errors()
    {
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(4, 200)];
            random.NextBytes(bytes);
            new byte[] { 0x28, 0xB5, 0x2F, 0xFD }.CopyTo(bytes, 0);
            try
            {
                new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024).Decompress(bytes);
            }
            catch (ZstdDataException)
            {
            }
            catch (ZstdSizeLimitExceededException)
            {
            }
        }
    }

    [Fact]
    public void A_frame_declaring_more_than_the_maximum_is_refused_before_decompressing()
    {
        var frame = _compressor.Compress(new byte[2 * 1024 * 1024]);

        var error = Assert.Throws<ZstdSizeLimitExceededException>(() => new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024).Decompress(frame));

        Assert.Equal(2UL * 1024 * 1024, error.DeclaredBytes);
        Assert.Equal(1024 * 1024, error.MaxBytes);
        Assert.Contains("declares 2097152 decompressed bytes, more than the maximum of 1048576", error.Message);
    }

    [Fact]
    public void A_frame_of_exactly_the_maximum_is_accepted()
    {
        var frame = _compressor.Compress(new byte[1024 * 1024]);

        Assert.Equal(1024 * 1024, new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024).Decompress(frame).Length);
    }

    [Fact]
    public async Task A_frame_without_a_declared_size_is_stopped_at_the_maximum()
    {
        using var compressed = new MemoryStream();
        await _compressor.CompressAsync(new MemoryStream(new byte[8 * 1024 * 1024]), compressed);
        var frame = compressed.ToArray();
        var decompressor = new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024);

        var error = Assert.Throws<ZstdSizeLimitExceededException>(() => decompressor.Decompress(frame));
        Assert.Null(error.DeclaredBytes);
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<ZstdSizeLimitExceededException>(() => decompressor.DecompressAsync(new MemoryStream(frame), output));
        Assert.True(output.Length <= 1024 * 1024, $"{output.Length} bytes were written before stopping");
    }

    [Fact]
    public async Task A_frame_without_a_declared_size_under_the_maximum_is_decoded()
    {
        var data = ZstdRoundtripTests.CompressibleText(900 * 1024);
        using var compressed = new MemoryStream();
        await _compressor.CompressAsync(new MemoryStream(data), compressed);

        Assert.Equal(data, new ZstdDecompressor(maxDecompressedBytes: data.Length).Decompress(compressed.ToArray()));
    }

    [Theory]
    [InlineData(1024L * 1024, 23)]
    [InlineData(64L * 1024 * 1024, 26)]
    [InlineData(64L * 1024 * 1024 + 1, 27)]
    [InlineData(4L * 1024 * 1024 * 1024, 27)]
    public void The_window_a_frame_may_demand_follows_the_maximum(long maxBytes, int windowLog)
    {
        Assert.Equal(windowLog, new ZstdDecompressor(maxBytes).WindowLogMax);
    }
}
