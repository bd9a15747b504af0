using System.Security.Cryptography;
using System.Text;
using HarmonyLite.Engine.Codec.Zstd;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Codec.Zstd;

/// <summary>
/// Frames written by the reference zstd (libzstd 1.5.4's command-line tool), kept in Golden/: this build reads
/// what other zstd implementations write. <c>libzstd-streamed.zst</c> came from a pipe (no content size,
/// with a checksum); <c>libzstd-two-frames.zst</c> is two concatenated frames (levels 19 and 1, the second
/// without a checksum). Both hold <see cref="Content"/>.
/// </summary>
public sealed class LibzstdGoldenFrameTests
{
    private const string ContentSha256 = "2db76e73e600c36669834803f9d91d031f9ee4542fde6dcfba62e110c169a108";

    /// <summary>What the golden frames decompress to (105,948 bytes).</summary>
    internal static byte[] Content { get; } =
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"row {i}: customer {i % 17}\n")));

    [Theory]
    [InlineData("libzstd-streamed.zst")]
    [InlineData("libzstd-two-frames.zst")]
    public void A_libzstd_frame_decompresses_to_its_content(string file)
    {
        var output = new ZstdDecompressor(64 * 1024 * 1024).Decompress(Read(file));

        Assert.Equal(ContentSha256, Convert.ToHexStringLower(SHA256.HashData(output)));
        Assert.Equal(Content, output);
    }

    internal static byte[] Read(string file) =>
        File.ReadAllBytes(RepositoryLayout.Path("tests", "Engine.Tests", "Codec", "Zstd", "Golden", file));
}
