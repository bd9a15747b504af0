namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>The compressed input is not valid zstd: corrupt, truncated, or not zstd at all.</summary>
internal sealed class ZstdDataException(string message, Exception? innerException = null) : ZstdException(message, innerException);
