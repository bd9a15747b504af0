using System.Buffers;
using System.Numerics;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>
/// Zstandard decompression through the system's libzstd, refusing output beyond a maximum: a frame
/// that declares a larger size is refused before anything is allocated, and a frame without a declared
/// size is decompressed in steps with a running count. Corrupt input is a <see cref="ZstdDataException"/>
/// carrying zstd's error name. Thread-safe: each call uses its own native context.
/// </summary>
public sealed class ZstdDecompressor
{
    public const long DefaultMaxDecompressedBytes = 256L * 1024 * 1024;

    // Frames from standard levels (up to 19) need at most an 8 MiB window; larger windows are
    // allowed only when the size limit is larger too, up to zstd's own default limit of 128 MiB.
    private const int MinWindowLog = 23;
    private const int MaxWindowLog = 27;

    private readonly ZstdLibrary _library;

    /// <exception cref="ZstdUnavailableException">libzstd is not installed or is older than 1.4.0.</exception>
    public ZstdDecompressor(long maxDecompressedBytes = DefaultMaxDecompressedBytes)
        : this(ZstdLibrary.Instance, maxDecompressedBytes)
    {
    }

    internal ZstdDecompressor(ZstdLibrary library, long maxDecompressedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedBytes);
        _library = library;
        MaxDecompressedBytes = maxDecompressedBytes;
        var neededLog = maxDecompressedBytes <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(maxDecompressedBytes - 1));
        WindowLogMax = Math.Clamp(neededLog, MinWindowLog, MaxWindowLog);
    }

    /// <summary>The most bytes one call may produce.</summary>
    public long MaxDecompressedBytes { get; }

    /// <summary>Frames whose window exceeds 2^WindowLogMax bytes are refused, bounding the memory a frame can demand.</summary>
    internal int WindowLogMax { get; }

    /// <summary>Decompresses one or more concatenated frames.</summary>
    /// <exception cref="ZstdDataException">The input is not valid zstd: corrupt, truncated or another format.</exception>
    /// <exception cref="ZstdSizeLimitExceededException">The output would exceed <see cref="MaxDecompressedBytes"/>.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            throw new ZstdDataException("The input is empty; a zstd frame starts with a 4-byte magic number and a header.");
        }

        var limit = Math.Min(MaxDecompressedBytes, Array.MaxLength);
        var declared = _library.GetFrameContentSize(source);
        if (declared is not (ZstdLibrary.ContentSizeUnknown or ZstdLibrary.ContentSizeError))
        {
            if (declared > (ulong)limit)
            {
                throw new ZstdSizeLimitExceededException(limit, declared);
            }

            // One frame of known size: decompress straight into a buffer of exactly that size.
            var frameLength = _library.FindFrameCompressedSize(source);
            if (!_library.IsError(frameLength) && frameLength == (nuint)source.Length)
            {
                var output = GC.AllocateUninitializedArray<byte>((int)declared);
                var written = _library.Decompress(output, source);
                if (_library.IsError(written))
                {
                    var name = _library.ErrorName(written);
                    throw new ZstdDataException($"The zstd data is corrupt: {name}.", name);
                }

                return output;
            }
        }

        return DecompressInSteps(source, limit);
    }

    /// <summary>
    /// Decompresses everything read from <paramref name="source"/> (one or more frames) to
    /// <paramref name="destination"/> in chunks. Returns the number of bytes written.
    /// </summary>
    /// <exception cref="ZstdDataException">The input is not valid zstd: corrupt, truncated or another format.</exception>
    /// <exception cref="ZstdSizeLimitExceededException">The output would exceed <see cref="MaxDecompressedBytes"/>; what was written so far stays written.</exception>
    public async Task<long> DecompressAsync(Stream source, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        using var context = ZstdDecompressionContext.Create(_library, WindowLogMax);
        var input = ArrayPool<byte>.Shared.Rent(_library.DecompressionInputChunk);
        var output = ArrayPool<byte>.Shared.Rent(_library.DecompressionOutputChunk);
        try
        {
            int start = 0, end = 0;
            var sourceDone = false;
            var anyInput = false;
            var frameComplete = false;
            long total = 0;
            while (true)
            {
                if (start == end && !sourceDone)
                {
                    start = 0;
                    end = await source.ReadAsync(input, cancellationToken).ConfigureAwait(false);
                    sourceDone = end == 0;
                    anyInput |= end > 0;
                }

                var noMoreInput = sourceDone && start == end;
                if (noMoreInput && !anyInput)
                {
                    throw new ZstdDataException("The input is empty; a zstd frame starts with a 4-byte magic number and a header.");
                }

                if (noMoreInput && frameComplete)
                {
                    return total;
                }

                var room = (int)Math.Min(output.Length, MaxDecompressedBytes - total + 1);
                var hint = context.Stream(input.AsSpan(start, end - start), output.AsSpan(0, room), out var consumed, out var produced);
                start += consumed;
                total += produced;
                if (total > MaxDecompressedBytes)
                {
                    throw new ZstdSizeLimitExceededException(MaxDecompressedBytes, declaredBytes: null);
                }

                await destination.WriteAsync(output.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
                // A zero hint means the frame is decoded and fully flushed; otherwise, with no input
                // left and room to spare in the output, zstd is waiting for bytes that will not come.
                frameComplete = hint == 0;
                if (noMoreInput && !frameComplete && produced < room)
                {
                    throw Truncated();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private byte[] DecompressInSteps(ReadOnlySpan<byte> source, long limit)
    {
        using var context = ZstdDecompressionContext.Create(_library, WindowLogMax);
        var chunk = _library.DecompressionOutputChunk;
        var output = new ArrayBufferWriter<byte>((int)Math.Min(limit + 1, Math.Max(chunk, (long)source.Length * 4)));
        var position = 0;
        while (true)
        {
            var room = (int)Math.Min(chunk, limit - output.WrittenCount + 1);
            var hint = context.Stream(source[position..], output.GetSpan(room)[..room], out var consumed, out var produced);
            position += consumed;
            output.Advance(produced);
            if (output.WrittenCount > limit)
            {
                throw new ZstdSizeLimitExceededException(limit, declaredBytes: null);
            }

            var inputDone = position == source.Length;
            // A zero hint means the last frame is decoded and fully flushed.
            if (inputDone && hint == 0)
            {
                return output.WrittenSpan.ToArray();
            }

            if (inputDone && hint != 0 && produced < room)
            {
                throw Truncated();
            }
        }
    }

    private static ZstdDataException Truncated() =>
        new("The zstd data is truncated: the input ends inside a frame.");
}
