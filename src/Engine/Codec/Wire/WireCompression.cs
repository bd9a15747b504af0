namespace HarmonyLite.Engine.Codec.Wire;

/// <summary>How the payload of a message is compressed: the "z" field of the envelope.</summary>
internal enum WireCompression
{
    None = 0,
    Zstd = 1,
}
