namespace HarmonyLite.Engine.Snapshots;

/// <summary>Passes reads and writes through to another stream, reporting how many bytes went by.</summary>
internal sealed class TransferProgressStream(Stream inner, IProgress<SnapshotTransfer> progress, SnapshotTransfer start) : Stream
{
    private long _bytes;

    /// <summary><paramref name="stream"/> itself when nobody listens, else the stream wrapped.</summary>
    public static Stream Observe(Stream stream, IProgress<SnapshotTransfer>? progress, SnapshotMetadata metadata, SnapshotTransferDirection direction) =>
        progress is null ? stream : new TransferProgressStream(stream, progress, new SnapshotTransfer(metadata.Id, direction, 0, metadata.Size));

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Moved(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Moved(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Moved(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Moved(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Moved(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Moved(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Moved(buffer.Length);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Moved(int count)
    {
        if (count > 0)
        {
            _bytes += count;
            progress.Report(start with { Bytes = _bytes });
        }
        return count;
    }
}
