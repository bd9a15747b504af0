using HarmonyLite.Engine.Codec.Zstd;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

/// <summary>Corrupt, truncated, foreign and oversized input is refused with typed errors.</summary>
public sealed class ZstdBadInputTests
{
    private const int Limit = 64 * 1024 * 1024;

    private readonly ZstdCompressor _compressor = new();

    [Fact]
    public void Input_that_is_not_zstd_is_refused()
    {
        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor(Limit).Decompress("definitely not zstd"u8));

        Assert.Contains("not a sequence of zstd frames", error.Message);
    }

    [Fact]
    public void A_damaged_frame_names_zstds_error()
    {
        var frame = _compressor.Compress(ZstdRoundtripTests.CompressibleText(100_000)).ToArray();
        frame[frame.Length / 2] ^= 0x55;

        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor(Limit).Decompress(frame));

        Assert.StartsWith("the zstd data is not valid: ", error.Message);
    }

    [Fact]
    public void A_damaged_checksum_is_detected()
    {
        var frame = _compressor.Compress(ZstdRoundtripTests.CompressibleText(10_000)).ToArray();
        frame[^1] ^= 0x01;

        var error = Assert.Throws<ZstdDataException>(() => new ZstdDecompressor(Limit).Decompress(frame));

        Assert.Contains("checksum", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_frame_is_refused(bool declaresItsSize)
    {
        var content = ZstdRoundtripTests.CompressibleText(100_000);
        var frame = declaresItsSize ? _compressor.Compress(content).ToArray() : ZstdBomb.StreamedFrame(content);

        Assert.Throws<ZstdDataException>(() => new ZstdDecompressor(Limit).Decompress(frame[..^10]));
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        Assert.Throws<ZstdDataException>(() => new ZstdDecompressor(Limit).Decompress([]));
    }

    [Fact]
    public void Random_bytes_after_a_valid_magic_number_raise_only_zstd_errors()
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
            catch (ZstdException)
            {
            }
        }
    }

    [Fact]
    public void Frames_declaring_more_than_the_maximum_are_refused_before_decompressing()
    {
        var frame = _compressor.Compress(new byte[1024 * 1024 + 1]).ToArray();
        byte[] twoFrames = [.. _compressor.Compress(new byte[600 * 1024]), .. _compressor.Compress(new byte[600 * 1024])];
        var decompressor = new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024);

        var error = Assert.Throws<ZstdSizeLimitExceededException>(() => decompressor.Decompress(frame));
        var sum = Assert.Throws<ZstdSizeLimitExceededException>(() => decompressor.Decompress(twoFrames));

        Assert.Equal((1024UL * 1024 + 1, 1024 * 1024L), (error.DeclaredBytes!.Value, error.MaxBytes));
        Assert.Contains("declare 1048577 decompressed bytes, more than the maximum of 1048576", error.Message);
        Assert.Equal(1200UL * 1024, sum.DeclaredBytes);
    }

    [Fact]
    public void A_frame_of_exactly_the_maximum_is_accepted()
    {
        var declared = _compressor.Compress(new byte[1024 * 1024]).ToArray();
        var streamed = ZstdBomb.Frame(1024 * 1024);

        Assert.Equal(1024 * 1024, new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024).Decompress(declared).Length);
        Assert.Equal(1024 * 1024, new ZstdDecompressor(maxDecompressedBytes: 1024 * 1024).Decompress(streamed).Length);
    }

    [Fact]
    public void A_frame_without_a_declared_size_is_stopped_at_the_maximum_without_allocating_its_output()
    {
        var frame = ZstdBomb.Frame(200 * 1024 * 1024);
        var decompressor = new ZstdDecompressor(Limit);
        Assert.Throws<ZstdSizeLimitExceededException>(() => decompressor.Decompress(frame));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ZstdSizeLimitExceededException>(() => decompressor.Decompress(frame));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(error.DeclaredBytes);
        Assert.Contains("decompresses to more than the maximum of 67108864 bytes", error.Message);
        Assert.True(allocated < 256 * 1024, $"refusing a {frame.Length}-byte frame of 200 MiB allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(1024 * 1024, 23)]
    [InlineData(64 * 1024 * 1024, 26)]
    [InlineData(64 * 1024 * 1024 + 1, 27)]
    [InlineData(int.MaxValue, 27)]
    public void The_window_a_frame_may_demand_follows_the_maximum(int maxBytes, int windowLog)
    {
        Assert.Equal(windowLog, new ZstdDecompressor(maxBytes).WindowLogMax);
    }
}
