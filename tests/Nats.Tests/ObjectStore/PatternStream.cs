namespace HarmonyLite.Nats.Tests.ObjectStore;

/// <summary>A read-only, non-seekable stream of deterministic pseudo-random bytes, so large objects need no memory.</summary>
internal sealed class PatternStream : Stream
{
    private readonly long _length;
    private readonly uint _seed;
    private long _position;

    public PatternStream(long length, uint seed = 1)
    {
        _length = length;
        _seed = seed;
    }

    public static byte ByteAt(long index, uint seed)
    {
        var x = (uint)(index * 2654435761L) ^ seed ^ (uint)(index >> 13);
        x ^= x >> 15;
        return (byte)(x * 2246822519u >> 24);
    }

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        for (var i = 0; i < n; i++) buffer[i] = ByteAt(_position + i, _seed);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
