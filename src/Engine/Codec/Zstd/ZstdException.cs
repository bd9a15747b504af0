namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>zstd failed. The subclasses say why: the library is missing, the input is corrupt, or the output is too large.</summary>
public class ZstdException : Exception
{
    public ZstdException(string message, string? errorName = null)
        : base(message) => ErrorName = errorName;

    public ZstdException(string message, string? errorName, Exception innerException)
        : base(message, innerException) => ErrorName = errorName;

    /// <summary>zstd's own name for the error (ZSTD_getErrorName), when zstd reported one.</summary>
    public string? ErrorName { get; }
}
