using System.Numerics;
using ZstdSharp.Unsafe;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>
/// Zstandard decompression (ZstdSharp) of one or more concatenated frames, refusing output beyond a maximum
/// without ever holding more than the output it returns. When every frame declares its content size the sum is
/// checked first and the output decompressed straight into an array of exactly that size; otherwise a first
/// pass counts the output in a small buffer, stopping as soon as the count passes the maximum, and only a
/// payload within it is decompressed, again into an array of its exact size. So a small message that expands
/// to gigabytes costs a counting pass and no memory. Thread-safe: each call uses its own context.
/// </summary>
internal sealed class ZstdDecompressor
{
    // Frames from standard levels (up to 19) need at most an 8 MiB window; larger windows are allowed only
    // when the size limit is larger too, up to zstd's own default limit of 128 MiB. The window is the only
    // memory zstd takes while counting.
    private const int MinWindowLog = 23;
    private const int MaxWindowLog = 27;

    // Below the large object heap's threshold: the counting buffer is short-lived garbage.
    private const int CountingChunk = 64 * 1024;

    public ZstdDecompressor(int maxDecompressedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedBytes);
        MaxDecompressedBytes = maxDecompressedBytes;
        var neededLog = maxDecompressedBytes <= 1 ? 0 : 32 - BitOperations.LeadingZeroCount((uint)(maxDecompressedBytes - 1));
        WindowLogMax = Math.Clamp(neededLog, MinWindowLog, MaxWindowLog);
    }

    /// <summary>The most bytes one call may produce.</summary>
    public int MaxDecompressedBytes { get; }

    /// <summary>Frames whose window exceeds 2^WindowLogMax bytes are refused, bounding what zstd allocates.</summary>
    internal int WindowLogMax { get; }

    /// <exception cref="ZstdDataException">The input is not valid zstd: corrupt, truncated or another format.</exception>
    /// <exception cref="ZstdSizeLimitExceededException">The output would exceed <see cref="MaxDecompressedBytes"/>.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            throw new ZstdDataException("the input is empty; a zstd frame starts with a 4-byte magic number and a header");
        }

        var declared = DeclaredSize(source);
        if (declared > (ulong)MaxDecompressedBytes)
        {
            throw new ZstdSizeLimitExceededException(MaxDecompressedBytes, declared);
        }

        using var decompressor = new ZstdSharp.Decompressor();
        decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, WindowLogMax);
        var size = declared is { } known ? (int)known : Count(decompressor, source);
        var output = GC.AllocateUninitializedArray<byte>(size);
        int written;
        try
        {
            written = decompressor.Unwrap(source, output);
        }
        catch (ZstdSharp.ZstdException ex)
        {
            throw Corrupt(ex);
        }

        return written == size
            ? output
            : throw new ZstdDataException($"the zstd frames declare {size} bytes of content but hold {written}");
    }

    /// <summary>The sum of the content sizes the frames declare; null when a frame does not declare one.</summary>
    private static unsafe ulong? DeclaredSize(ReadOnlySpan<byte> source)
    {
        ulong size;
        fixed (byte* input = source)
        {
            size = Methods.ZSTD_findDecompressedSize(input, (nuint)source.Length);
        }

        return size switch
        {
            ulong.MaxValue => null, // ZSTD_CONTENTSIZE_UNKNOWN
            ulong.MaxValue - 1 => throw new ZstdDataException("the input is not a sequence of zstd frames (ZSTD_findDecompressedSize refused it)"),
            _ => size,
        };
    }

    /// <summary>Decompresses into a small buffer, over and over, only to count; stops past the maximum.</summary>
    private int Count(ZstdSharp.Decompressor decompressor, ReadOnlySpan<byte> source)
    {
        Span<byte> scratch = new byte[CountingChunk];
        long total = 0;
        var position = 0;
        try
        {
            while (true)
            {
                var status = decompressor.UnwrapStream(source[position..], scratch, out var consumed, out var produced);
                position += consumed;
                total += produced;
                if (total > MaxDecompressedBytes)
                {
                    throw new ZstdSizeLimitExceededException(MaxDecompressedBytes, declaredBytes: null);
                }

                if (position == source.Length && status == System.Buffers.OperationStatus.Done)
                {
                    break;
                }

                if (status != System.Buffers.OperationStatus.DestinationTooSmall && consumed == 0 && produced == 0)
                {
                    throw new ZstdDataException("the zstd data is truncated: the input ends inside a frame");
                }
            }
        }
        catch (ZstdSharp.ZstdException ex)
        {
            throw Corrupt(ex);
        }
        finally
        {
            decompressor.ResetStream();
        }

        return (int)total;
    }

    private static ZstdDataException Corrupt(ZstdSharp.ZstdException ex) =>
        new($"the zstd data is not valid: {ex.Message} ({ex.Code})", ex);
}
