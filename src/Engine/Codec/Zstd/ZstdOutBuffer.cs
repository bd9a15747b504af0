using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>ZSTD_outBuffer: the output of a streaming call; zstd advances <see cref="Position"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdOutBuffer
{
    public byte* Destination;
    public nuint Size;
    public nuint Position;
}
