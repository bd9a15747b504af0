using HarmonyLite.Engine.Codec.Zstd;

namespace HarmonyLite.Engine.Codec.Wire;

public sealed record ChangeBatchEncoderOptions
{
    /// <summary>Compress payloads with zstd when that makes them smaller (the default).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>The zstd level when <see cref="Compress"/> is on.</summary>
    public int CompressionLevel { get; init; } = ZstdCompressor.DefaultLevel;
}
