using System.Security.Cryptography;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>Size and SHA-256 (lowercase hex, as <see cref="SnapshotMetadata.Sha256"/> holds it) of snapshot bytes.</summary>
internal readonly record struct SnapshotDigest(long Size, string Sha256)
{
    private const int BufferSize = 1 << 20;

    public static async Task<SnapshotDigest> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Two buffers: the next block is read while this one is hashed.
        byte[][] buffers = [new byte[BufferSize], new byte[BufferSize]];
        var current = 0;
        long size = 0;
        var read = await file.ReadAsync(buffers[current], cancellationToken).ConfigureAwait(false);
        while (read > 0)
        {
            var next = file.ReadAsync(buffers[1 - current], cancellationToken);
            sha.AppendData(buffers[current], 0, read);
            size += read;
            read = await next.ConfigureAwait(false);
            current = 1 - current;
        }
        return new SnapshotDigest(size, Hex(sha.GetHashAndReset()));
    }

    public static string Hex(ReadOnlySpan<byte> sha256) => Convert.ToHexString(sha256).ToLowerInvariant();

    /// <summary>Throws <see cref="SnapshotIntegrityException"/> unless these bytes are the ones <paramref name="metadata"/> describes.</summary>
    public void Verify(SnapshotMetadata metadata, string where)
    {
        if (Size != metadata.Size)
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} {where} is {Size} bytes, its metadata says {metadata.Size}: it is truncated or damaged. Nothing was changed; use another snapshot (Get-HarmonySnapshot lists them) or save a new one on a healthy node.");
        if (!string.Equals(Sha256, metadata.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} {where} has SHA-256 {Sha256}, its metadata says {metadata.Sha256}: it is corrupt. Nothing was changed; use another snapshot (Get-HarmonySnapshot lists them) or save a new one on a healthy node.");
    }
}
