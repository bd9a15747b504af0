using ZstdSharp;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

/// <summary>zstd frames that do not declare their content size, as a streaming compressor writes them.</summary>
internal static class ZstdBomb
{
    /// <summary>A frame of <paramref name="zeros"/> zero bytes: a few kilobytes that expand enormously.</summary>
    public static byte[] Frame(int zeros)
    {
        using var output = new MemoryStream();
        using (var compressor = new CompressionStream(output, level: 3))
        {
            var chunk = new byte[1024 * 1024];
            for (var left = zeros; left > 0; left -= chunk.Length)
            {
                compressor.Write(chunk, 0, Math.Min(chunk.Length, left));
            }
        }

        return output.ToArray();
    }

    public static byte[] StreamedFrame(byte[] content)
    {
        using var output = new MemoryStream();
        using (var compressor = new CompressionStream(output, level: 3))
        {
            compressor.Write(content);
        }

        return output.ToArray();
    }
}
