namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>Decompression stopped because the output would exceed the configured maximum.</summary>
public sealed class ZstdSizeLimitExceededException : ZstdException
{
    public ZstdSizeLimitExceededException(long maxBytes, ulong? declaredBytes)
        : base(declaredBytes is { } declared
            ? $"The zstd frame declares {declared} decompressed bytes, more than the maximum of {maxBytes}; it was not decompressed."
            : $"The zstd input decompresses to more than the maximum of {maxBytes} bytes; decompression stopped there.")
    {
        MaxBytes = maxBytes;
        DeclaredBytes = declaredBytes;
    }

    public long MaxBytes { get; }

    /// <summary>The content size written in the frame header, when the frame has one.</summary>
    public ulong? DeclaredBytes { get; }
}
