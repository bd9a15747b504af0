using System.Security.Cryptography;

namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>Reads through another stream while counting and hashing the bytes, so an upload knows what it sent.</summary>
internal sealed class HashingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private SnapshotDigest? _final;

    public HashingReadStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    /// <summary>What was read so far; still answers once disposed (an HTTP client disposes what it sent).</summary>
    public SnapshotDigest Digest() => _final ?? new(_read, SnapshotDigest.Hex(_sha.GetCurrentHash()));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Count(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Span[..read]);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _final is null)
        {
            _final = Digest();
            _sha.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        _sha.AppendData(bytes);
        _read += bytes.Length;
    }
}
