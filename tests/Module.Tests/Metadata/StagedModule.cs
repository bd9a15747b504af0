using System.Reflection;
using System.Runtime.InteropServices;

namespace HarmonyLite.Module.Tests.Metadata;

/// <summary>The importable module as the build staged it (src/Module/bin/&lt;cfg&gt;/net8.0/HarmonyLite).</summary>
internal static class StagedModule
{
    public static string Directory { get; } = typeof(StagedModule).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "StagedModuleDirectory").Value!;

    public static string DependenciesDirectory => Path.Combine(Directory, "Dependencies");

    public static string CmdletAssemblyPath => Path.Combine(Directory, "HarmonyLite.PowerShell.dll");

    public static string ManifestPath => Path.Combine(Directory, "HarmonyLite.psd1");

    /// <summary>The System.Management.Automation the module compiles against (PowerShellStandard), copied next to the tests.</summary>
    public static string AutomationAssemblyPath => Path.Combine(AppContext.BaseDirectory, "System.Management.Automation.dll");

    /// <summary>
    /// A metadata-only view of the staged module: its assemblies, their dependencies, the framework and
    /// System.Management.Automation, read without running any of them.
    /// </summary>
    public static MetadataLoadContext OpenMetadata()
    {
        var paths = new[] { CmdletAssemblyPath, AutomationAssemblyPath }
            .Concat(System.IO.Directory.GetFiles(DependenciesDirectory, "*.dll"))
            .Concat(System.IO.Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        return new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
    }
}
