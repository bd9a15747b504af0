using ZstdSharp.Unsafe;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>
/// Zstandard compression (ZstdSharp, a managed port of the reference library) into one frame that records its
/// content size and carries a content checksum, so a receiver can tell a damaged frame from a valid one.
/// Thread-safe: each call uses its own context.
/// </summary>
internal sealed class ZstdCompressor
{
    public const int DefaultLevel = 3;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside zstd's range.</exception>
    public ZstdCompressor(int level = DefaultLevel)
    {
        if (level < ZstdSharp.Compressor.MinCompressionLevel || level > ZstdSharp.Compressor.MaxCompressionLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level,
                $"The zstd compression level must be between {ZstdSharp.Compressor.MinCompressionLevel} and {ZstdSharp.Compressor.MaxCompressionLevel}.");
        }

        Level = level;
    }

    public int Level { get; }

    /// <summary>The frame, in a buffer of its own.</summary>
    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> source)
    {
        using var compressor = new ZstdSharp.Compressor(Level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor.Wrap(source);
    }
}
