using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>A native ZSTD_DCtx with a bounded window; freed when disposed or finalized.</summary>
internal sealed unsafe class ZstdDecompressionContext : SafeHandle
{
    private readonly ZstdLibrary _library;

    private ZstdDecompressionContext(ZstdLibrary library)
        : base(IntPtr.Zero, ownsHandle: true) => _library = library;

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <param name="windowLogMax">Frames that need a larger window (2^windowLogMax bytes of memory) are refused.</param>
    public static ZstdDecompressionContext Create(ZstdLibrary library, int windowLogMax)
    {
        var context = new ZstdDecompressionContext(library);
        context.SetHandle(library.CreateDecompressionContext());
        if (context.IsInvalid)
        {
            throw new OutOfMemoryException("zstd could not allocate a decompression context.");
        }

        var result = library.SetDecompressionParameter(context.handle, ZstdLibrary.WindowLogMaxParameter, windowLogMax);
        if (library.IsError(result))
        {
            var name = library.ErrorName(result);
            context.Dispose();
            throw new ZstdException($"zstd could not limit the decompression window to 2^{windowLogMax} bytes: {name}.", name);
        }

        return context;
    }

    /// <summary>One ZSTD_decompressStream step; returns 0 when a frame is complete and flushed, otherwise a hint of the input still needed.</summary>
    public nuint Stream(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdInBuffer { Source = source, Size = (nuint)input.Length };
            var outBuffer = new ZstdOutBuffer { Destination = destination, Size = (nuint)output.Length };
            var result = _library.DecompressStream(handle, &outBuffer, &inBuffer);
            consumed = (int)inBuffer.Position;
            produced = (int)outBuffer.Position;
            if (_library.IsError(result))
            {
                var name = _library.ErrorName(result);
                throw new ZstdDataException($"The zstd data is corrupt: {name}.", name);
            }

            return result;
        }
    }

    protected override bool ReleaseHandle()
    {
        _library.FreeDecompressionContext(handle);
        return true;
    }
}
