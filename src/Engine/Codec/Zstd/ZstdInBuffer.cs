using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>ZSTD_inBuffer: the input of a streaming call; zstd advances <see cref="Position"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdInBuffer
{
    public byte* Source;
    public nuint Size;
    public nuint Position;
}
