using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Codec.Zstd;

/// <summary>
/// The system's libzstd, loaded once per process by name (no DllImport resolver, so nothing else in
/// the assembly is affected) and called through function pointers. Needs zstd 1.4.0 or newer, the
/// first release with a stable advanced API (parameters, ZSTD_compress2, ZSTD_compressStream2).
/// </summary>
internal sealed unsafe class ZstdLibrary
{
    public const uint MinimumVersionNumber = 10400;
    public const ulong ContentSizeUnknown = ulong.MaxValue;
    public const ulong ContentSizeError = ulong.MaxValue - 1;

    // Values of the stable enums ZSTD_cParameter, ZSTD_dParameter and ZSTD_EndDirective in zstd.h.
    public const int CompressionLevelParameter = 100;
    public const int ChecksumFlagParameter = 201;
    public const int WindowLogMaxParameter = 100;
    public const int EndDirectiveContinue = 0;
    public const int EndDirectiveEnd = 2;

    private static readonly Lazy<ZstdLibrary> Shared = new(() => Load(CandidateNames()), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly delegate* unmanaged<uint> _versionNumber;
    private readonly delegate* unmanaged<nuint, uint> _isError;
    private readonly delegate* unmanaged<nuint, byte*> _getErrorName;
    private readonly delegate* unmanaged<int> _minCLevel;
    private readonly delegate* unmanaged<int> _maxCLevel;
    private readonly delegate* unmanaged<nuint, nuint> _compressBound;
    private readonly delegate* unmanaged<nint> _createCCtx;
    private readonly delegate* unmanaged<nint, nuint> _freeCCtx;
    private readonly delegate* unmanaged<nint, int, int, nuint> _cctxSetParameter;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> _compress2;
    private readonly delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint> _compressStream2;
    private readonly delegate* unmanaged<nuint> _cStreamInSize;
    private readonly delegate* unmanaged<nuint> _cStreamOutSize;
    private readonly delegate* unmanaged<byte*, nuint, ulong> _getFrameContentSize;
    private readonly delegate* unmanaged<byte*, nuint, nuint> _findFrameCompressedSize;
    private readonly delegate* unmanaged<byte*, nuint, byte*, nuint, nuint> _decompress;
    private readonly delegate* unmanaged<nint> _createDCtx;
    private readonly delegate* unmanaged<nint, nuint> _freeDCtx;
    private readonly delegate* unmanaged<nint, int, int, nuint> _dctxSetParameter;
    private readonly delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint> _decompressStream;
    private readonly delegate* unmanaged<nuint> _dStreamInSize;
    private readonly delegate* unmanaged<nuint> _dStreamOutSize;

    private ZstdLibrary(string name, nint handle)
    {
        Name = name;
        _versionNumber = (delegate* unmanaged<uint>)Export(handle, name, "ZSTD_versionNumber");
        Version = _versionNumber();
        if (Version < MinimumVersionNumber)
        {
            throw new ZstdUnavailableException($"{name} is zstd {FormatVersion(Version)}, older than 1.4.0");
        }

        _isError = (delegate* unmanaged<nuint, uint>)Export(handle, name, "ZSTD_isError");
        _getErrorName = (delegate* unmanaged<nuint, byte*>)Export(handle, name, "ZSTD_getErrorName");
        _minCLevel = (delegate* unmanaged<int>)Export(handle, name, "ZSTD_minCLevel");
        _maxCLevel = (delegate* unmanaged<int>)Export(handle, name, "ZSTD_maxCLevel");
        _compressBound = (delegate* unmanaged<nuint, nuint>)Export(handle, name, "ZSTD_compressBound");
        _createCCtx = (delegate* unmanaged<nint>)Export(handle, name, "ZSTD_createCCtx");
        _freeCCtx = (delegate* unmanaged<nint, nuint>)Export(handle, name, "ZSTD_freeCCtx");
        _cctxSetParameter = (delegate* unmanaged<nint, int, int, nuint>)Export(handle, name, "ZSTD_CCtx_setParameter");
        _compress2 = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)Export(handle, name, "ZSTD_compress2");
        _compressStream2 = (delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint>)Export(handle, name, "ZSTD_compressStream2");
        _cStreamInSize = (delegate* unmanaged<nuint>)Export(handle, name, "ZSTD_CStreamInSize");
        _cStreamOutSize = (delegate* unmanaged<nuint>)Export(handle, name, "ZSTD_CStreamOutSize");
        _getFrameContentSize = (delegate* unmanaged<byte*, nuint, ulong>)Export(handle, name, "ZSTD_getFrameContentSize");
        _findFrameCompressedSize = (delegate* unmanaged<byte*, nuint, nuint>)Export(handle, name, "ZSTD_findFrameCompressedSize");
        _decompress = (delegate* unmanaged<byte*, nuint, byte*, nuint, nuint>)Export(handle, name, "ZSTD_decompress");
        _createDCtx = (delegate* unmanaged<nint>)Export(handle, name, "ZSTD_createDCtx");
        _freeDCtx = (delegate* unmanaged<nint, nuint>)Export(handle, name, "ZSTD_freeDCtx");
        _dctxSetParameter = (delegate* unmanaged<nint, int, int, nuint>)Export(handle, name, "ZSTD_DCtx_setParameter");
        _decompressStream = (delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint>)Export(handle, name, "ZSTD_decompressStream");
        _dStreamInSize = (delegate* unmanaged<nuint>)Export(handle, name, "ZSTD_DStreamInSize");
        _dStreamOutSize = (delegate* unmanaged<nuint>)Export(handle, name, "ZSTD_DStreamOutSize");
    }

    /// <summary>The process-wide library; a <see cref="ZstdUnavailableException"/> when it cannot be loaded.</summary>
    public static ZstdLibrary Instance => Shared.Value;

    /// <summary>The name the library was loaded by.</summary>
    public string Name { get; }

    /// <summary>ZSTD_versionNumber: major * 10000 + minor * 100 + release.</summary>
    public uint Version { get; }

    public int MinCompressionLevel => _minCLevel();

    public int MaxCompressionLevel => _maxCLevel();

    public int CompressionInputChunk => (int)_cStreamInSize();

    public int CompressionOutputChunk => (int)_cStreamOutSize();

    public int DecompressionInputChunk => (int)_dStreamInSize();

    public int DecompressionOutputChunk => (int)_dStreamOutSize();

    /// <summary>Loads the first of <paramref name="candidates"/> that the operating system finds and that is recent enough.</summary>
    public static ZstdLibrary Load(IReadOnlyList<string> candidates)
    {
        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            var loaded = Path.IsPathRooted(candidate)
                ? NativeLibrary.TryLoad(candidate, out var handle)
                : NativeLibrary.TryLoad(candidate, typeof(ZstdLibrary).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out handle);
            if (!loaded)
            {
                problems.Add($"{candidate} (not found)");
                continue;
            }

            try
            {
                // The handle stays loaded for the life of the process, like a DllImport'ed library.
                return new ZstdLibrary(candidate, handle);
            }
            catch (ZstdUnavailableException ex)
            {
                NativeLibrary.Free(handle);
                problems.Add($"{candidate} ({ex.Message})");
            }
        }

        throw new ZstdUnavailableException(
            $"libzstd 1.4.0 or newer (the Zstandard compression library) could not be loaded; tried {string.Join(", ", problems)}. {InstallHint()}");
    }

    public bool IsError(nuint code) => _isError(code) != 0;

    public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)_getErrorName(code)) ?? $"zstd error {code}";

    public nuint CompressBound(int sourceLength) => _compressBound((nuint)sourceLength);

    public nint CreateCompressionContext() => _createCCtx();

    public void FreeCompressionContext(nint context) => _freeCCtx(context);

    public nuint SetCompressionParameter(nint context, int parameter, int value) => _cctxSetParameter(context, parameter, value);

    public nuint Compress2(nint context, byte* destination, nuint capacity, byte* source, nuint length) =>
        _compress2(context, destination, capacity, source, length);

    public nuint CompressStream2(nint context, ZstdOutBuffer* output, ZstdInBuffer* input, int endDirective) =>
        _compressStream2(context, output, input, endDirective);

    public ulong GetFrameContentSize(ReadOnlySpan<byte> source)
    {
        fixed (byte* pointer = source)
        {
            return _getFrameContentSize(pointer, (nuint)source.Length);
        }
    }

    public nuint FindFrameCompressedSize(ReadOnlySpan<byte> source)
    {
        fixed (byte* pointer = source)
        {
            return _findFrameCompressedSize(pointer, (nuint)source.Length);
        }
    }

    public nuint Decompress(Span<byte> destination, ReadOnlySpan<byte> source)
    {
        fixed (byte* target = destination)
        fixed (byte* pointer = source)
        {
            return _decompress(target, (nuint)destination.Length, pointer, (nuint)source.Length);
        }
    }

    public nint CreateDecompressionContext() => _createDCtx();

    public void FreeDecompressionContext(nint context) => _freeDCtx(context);

    public nuint SetDecompressionParameter(nint context, int parameter, int value) => _dctxSetParameter(context, parameter, value);

    public nuint DecompressStream(nint context, ZstdOutBuffer* output, ZstdInBuffer* input) => _decompressStream(context, output, input);

    /// <summary>The names to try on this operating system, most specific first.</summary>
    public static IReadOnlyList<string> CandidateNames()
    {
        if (OperatingSystem.IsWindows())
        {
            return ["libzstd.dll", "zstd.dll"];
        }

        if (OperatingSystem.IsMacOS())
        {
            // Homebrew and MacPorts do not install into the default dyld search path.
            return
            [
                "libzstd.1.dylib", "libzstd.dylib",
                "/opt/homebrew/lib/libzstd.1.dylib", "/usr/local/lib/libzstd.1.dylib", "/opt/local/lib/libzstd.1.dylib",
            ];
        }

        return ["libzstd.so.1", "libzstd.so"];
    }

    public static string InstallHint()
    {
        if (OperatingSystem.IsWindows())
        {
            return "Install it with 'vcpkg install zstd' (or take libzstd.dll from https://github.com/facebook/zstd/releases) and put the DLL on PATH or next to the HarmonyLite assemblies.";
        }

        if (OperatingSystem.IsMacOS())
        {
            return "Install it with 'brew install zstd' (or 'sudo port install zstd').";
        }

        return "Install it with 'sudo apt-get install libzstd1' on Debian/Ubuntu, 'sudo dnf install libzstd' on Fedora/RHEL, or 'apk add zstd-libs' on Alpine.";
    }

    private static string FormatVersion(uint version) => $"{version / 10000}.{version / 100 % 100}.{version % 100}";

    private static nint Export(nint handle, string library, string function) =>
        NativeLibrary.TryGetExport(handle, function, out var address)
            ? address
            : throw new ZstdUnavailableException($"{library} has no function {function}");
}
