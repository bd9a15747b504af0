using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>A native ZSTD_CCtx set to a level, with content checksums on; freed when disposed or finalized.</summary>
internal sealed unsafe class ZstdCompressionContext : SafeHandle
{
    private readonly ZstdLibrary _library;

    private ZstdCompressionContext(ZstdLibrary library)
        : base(IntPtr.Zero, ownsHandle: true) => _library = library;

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static ZstdCompressionContext Create(ZstdLibrary library, int level)
    {
        var context = new ZstdCompressionContext(library);
        context.SetHandle(library.CreateCompressionContext());
        if (context.IsInvalid)
        {
            throw new OutOfMemoryException("zstd could not allocate a compression context.");
        }

        try
        {
            context.Check(library.SetCompressionParameter(context.handle, ZstdLibrary.CompressionLevelParameter, level), "set the compression level");
            // A checksum of the content lets the receiver tell a damaged frame from a valid one.
            context.Check(library.SetCompressionParameter(context.handle, ZstdLibrary.ChecksumFlagParameter, 1), "enable content checksums");
        }
        catch
        {
            context.Dispose();
            throw;
        }

        return context;
    }

    /// <summary>Compresses all of <paramref name="source"/> into one frame that records its content size.</summary>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* input = source)
        fixed (byte* output = destination)
        {
            var written = _library.Compress2(handle, output, (nuint)destination.Length, input, (nuint)source.Length);
            Check(written, "compress");
            return (int)written;
        }
    }

    /// <summary>One ZSTD_compressStream2 step; returns what zstd still has to flush (0 when the frame is complete after an end).</summary>
    public nuint Stream(ReadOnlySpan<byte> input, Span<byte> output, int endDirective, out int consumed, out int produced)
    {
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdInBuffer { Source = source, Size = (nuint)input.Length };
            var outBuffer = new ZstdOutBuffer { Destination = destination, Size = (nuint)output.Length };
            var remaining = _library.CompressStream2(handle, &outBuffer, &inBuffer, endDirective);
            consumed = (int)inBuffer.Position;
            produced = (int)outBuffer.Position;
            Check(remaining, "compress a stream");
            return remaining;
        }
    }

    protected override bool ReleaseHandle()
    {
        _library.FreeCompressionContext(handle);
        return true;
    }

    private void Check(nuint code, string operation)
    {
        if (_library.IsError(code))
        {
            var name = _library.ErrorName(code);
            throw new ZstdException($"zstd could not {operation}: {name}.", name);
        }
    }
}
