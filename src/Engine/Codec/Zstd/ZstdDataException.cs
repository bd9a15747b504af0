namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>The compressed input is not a valid zstd frame: corrupt, truncated, or not zstd at all.</summary>
public sealed class ZstdDataException : ZstdException
{
    public ZstdDataException(string message, string? errorName = null)
        : base(message, errorName)
    {
    }
}
