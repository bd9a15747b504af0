using System.Security.Cryptography;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Writes through to another stream while counting and hashing the bytes, so a download is verified without reading it
/// twice. The bytes of one write are hashed in order, before the next write begins.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    public HashingWriteStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <summary>What was written so far.</summary>
    public SnapshotDigest Digest() => new(_written, SnapshotDigest.Hex(_sha.GetCurrentHash()));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sha.AppendData(buffer);
        _written += buffer.Length;
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Below this a write is hashed inline: a thread hop costs more than hashing it does (SHA-256 runs at about 1 GB/s,
    /// so 256 KiB take a quarter of a millisecond). The NATS object store's chunks are smaller; file copies' blocks larger.
    /// </summary>
    private const int HashAlongsideFrom = 256 * 1024;

    /// <summary>
    /// Hashes a large buffer on another thread while the inner stream writes it, so the hash costs no time of its own;
    /// a small one first, inline.
    /// </summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length < HashAlongsideFrom)
        {
            _sha.AppendData(buffer.Span);
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            _written += buffer.Length;
            return;
        }
        var hashing = Task.Run(() => _sha.AppendData(buffer.Span), CancellationToken.None);
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await hashing.ConfigureAwait(false); // before the caller reuses the buffer or writes the next one
        }
        _written += buffer.Length;
    }

    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha.Dispose();
        base.Dispose(disposing);
    }
}
