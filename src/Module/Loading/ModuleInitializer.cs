using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace HarmonyLite.PowerShell.Loading;

/// <summary>
/// Runs when pwsh imports the module: routes the default context's requests for HarmonyLite
/// assemblies to <see cref="HarmonyLiteLoadContext"/>, so the engine's dependencies never clash with
/// another module's copies. When the module is removed, the session's nodes are stopped first.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly Lazy<HarmonyLiteLoadContext> LoadContext = new(() =>
        new HarmonyLiteLoadContext(Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies")));

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveHarmonyLite;

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // Stopping needs the engine, so before its assemblies stop resolving.
        Nodes.SessionNodeRegistry.StopAllOnRemove();
        AssemblyLoadContext.Default.Resolving -= ResolveHarmonyLite;
    }

    private static Assembly? ResolveHarmonyLite(AssemblyLoadContext context, AssemblyName name)
    {
        // Only our own assemblies cross over; their dependencies then resolve inside the isolated context.
        if (name.Name is null || !name.Name.StartsWith("HarmonyLite.", StringComparison.Ordinal)) return null;
        return LoadContext.Value.LoadFromAssemblyName(name);
    }
}
