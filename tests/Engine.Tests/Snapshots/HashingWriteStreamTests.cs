using System.Security.Cryptography;
using HarmonyLite.Engine.Snapshots;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class HashingWriteStreamTests
{
    [Fact]
    public async Task Small_writes_hashed_inline_and_large_ones_hashed_alongside_give_the_digest_of_all_the_bytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 777);
        var inner = new MemoryStream();
        await using var hashing = new HashingWriteStream(inner);

        // Chunks below and above the size from which hashing runs beside the write, in the async and the sync path.
        var offset = 0;
        foreach (var size in new[] { 1, 1024, 128 * 1024, 1024 * 1024, 255 * 1024, 256 * 1024, 64 * 1024 })
        {
            await hashing.WriteAsync(bytes.AsMemory(offset, size));
            offset += size;
        }
        hashing.Write(bytes, offset, 4096);
        offset += 4096;
        await hashing.WriteAsync(bytes.AsMemory(offset));

        var digest = hashing.Digest();
        Assert.Equal(bytes.Length, digest.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), digest.Sha256);
        Assert.Equal(bytes, inner.ToArray());
    }
}
