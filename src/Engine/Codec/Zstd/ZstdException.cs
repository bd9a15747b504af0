namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>zstd refused the input: <see cref="ZstdDataException"/> (not valid zstd) or <see cref="ZstdSizeLimitExceededException"/>.</summary>
internal abstract class ZstdException(string message, Exception? innerException = null) : Exception(message, innerException);
