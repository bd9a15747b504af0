namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>Decompression was refused because the output would exceed the maximum.</summary>
internal sealed class ZstdSizeLimitExceededException(long maxBytes, ulong? declaredBytes)
    : ZstdException(declaredBytes is { } declared
        ? $"the zstd frames declare {declared} decompressed bytes, more than the maximum of {maxBytes}"
        : $"the zstd input decompresses to more than the maximum of {maxBytes} bytes")
{
    public long MaxBytes { get; } = maxBytes;

    /// <summary>The content size the frame headers declare, when they all declare one.</summary>
    public ulong? DeclaredBytes { get; } = declaredBytes;
}
