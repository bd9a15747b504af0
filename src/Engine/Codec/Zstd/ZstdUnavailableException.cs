namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>The system's libzstd could not be loaded, or is too old; the message says what to install.</summary>
public sealed class ZstdUnavailableException : ZstdException
{
    public ZstdUnavailableException(string message)
        : base(message)
    {
    }
}
