using System.Buffers;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>
/// Zstandard compression through the system's libzstd. Frames carry a content checksum. Thread-safe:
/// each call uses its own native context.
/// </summary>
public sealed class ZstdCompressor
{
    public const int DefaultLevel = 3;

    private readonly ZstdLibrary _library;

    /// <summary>A compressor at <paramref name="level"/> (zstd's range, typically -131072 to 22; higher is smaller and slower).</summary>
    /// <exception cref="ZstdUnavailableException">libzstd is not installed or is older than 1.4.0.</exception>
    public ZstdCompressor(int level = DefaultLevel)
        : this(ZstdLibrary.Instance, level)
    {
    }

    internal ZstdCompressor(ZstdLibrary library, int level)
    {
        _library = library;
        if (level < library.MinCompressionLevel || level > library.MaxCompressionLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level,
                $"The zstd compression level must be between {library.MinCompressionLevel} and {library.MaxCompressionLevel}.");
        }

        Level = level;
    }

    public int Level { get; }

    /// <summary>The largest frame <see cref="Compress(ReadOnlySpan{byte}, Span{byte})"/> can write for <paramref name="sourceLength"/> bytes.</summary>
    public int GetMaxCompressedLength(int sourceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceLength);
        var bound = _library.CompressBound(sourceLength);
        return bound <= (nuint)Array.MaxLength
            ? (int)bound
            : throw new ArgumentOutOfRangeException(nameof(sourceLength), sourceLength, "The input is too large to compress into one buffer; use CompressAsync with streams.");
    }

    /// <summary>Compresses <paramref name="source"/> into one frame in <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ZstdException">zstd failed, for instance because <paramref name="destination"/> is shorter than <see cref="GetMaxCompressedLength"/> and the frame did not fit.</exception>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        using var context = ZstdCompressionContext.Create(_library, Level);
        return context.Compress(source, destination);
    }

    /// <summary>Compresses <paramref name="source"/> into one frame that records its content size.</summary>
    public byte[] Compress(ReadOnlySpan<byte> source)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(GetMaxCompressedLength(source.Length));
        try
        {
            var length = Compress(source, buffer);
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Compresses everything read from <paramref name="source"/> into one frame written to
    /// <paramref name="destination"/>, in chunks, without holding the whole input. The frame does not
    /// record its content size. Returns the number of compressed bytes written.
    /// </summary>
    public async Task<long> CompressAsync(Stream source, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        using var context = ZstdCompressionContext.Create(_library, Level);
        var input = ArrayPool<byte>.Shared.Rent(_library.CompressionInputChunk);
        var output = ArrayPool<byte>.Shared.Rent(_library.CompressionOutputChunk);
        try
        {
            long written = 0;
            while (true)
            {
                var read = await source.ReadAsync(input, cancellationToken).ConfigureAwait(false);
                var directive = read == 0 ? ZstdLibrary.EndDirectiveEnd : ZstdLibrary.EndDirectiveContinue;
                var position = 0;
                nuint remaining;
                do
                {
                    remaining = context.Stream(input.AsSpan(position, read - position), output, directive, out var consumed, out var produced);
                    position += consumed;
                    await destination.WriteAsync(output.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
                    written += produced;
                }
                while (directive == ZstdLibrary.EndDirectiveEnd ? remaining != 0 : position < read);

                if (read == 0)
                {
                    return written;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
