using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace HarmonyLite.PowerShell.Loading;

/// <summary>
/// Loads the engine and everything it depends on (SQLite, BouncyCastle, logging) from the module's
/// Dependencies folder, isolated from the assemblies other modules load into the same pwsh session.
/// </summary>
internal sealed class HarmonyLiteLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    public HarmonyLiteLoadContext(string dependencyDirectory)
        : base("HarmonyLite", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Anything not shipped in Dependencies (the framework, System.Management.Automation) comes from the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in NativeCandidates(unmanagedDllName))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        return IntPtr.Zero; // fall back to the default probing (system libraries)
    }

    private IEnumerable<string> NativeCandidates(string name)
    {
        var fileNames = OperatingSystem.IsWindows() ? new[] { name, name + ".dll" }
            : OperatingSystem.IsMacOS() ? new[] { name, "lib" + name + ".dylib", name + ".dylib" }
            : new[] { name, "lib" + name + ".so", name + ".so" };
        var native = Path.Combine(_dependencyDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        var portable = Path.Combine(_dependencyDirectory, "runtimes", PortableRid(), "native");
        foreach (var dir in new[] { native, portable, _dependencyDirectory })
            foreach (var file in fileNames)
                yield return Path.Combine(dir, file);
    }

    private static string PortableRid()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}-{arch}";
    }
}
