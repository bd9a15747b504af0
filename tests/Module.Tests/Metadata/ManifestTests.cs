using System.Xml.Linq;
using Xunit;

namespace HarmonyLite.Module.Tests.Metadata;

/// <summary>The manifest, the format views and the staged layout agree with the cmdlet assembly.</summary>
public sealed class ManifestTests : IDisposable
{
    /// <summary>Note properties the cmdlets add to engine objects (CmdletOutput), which views may show.</summary>
    private static readonly string[] NoteProperties = ["DatabasePath", "NodeId", "ClusterLag"];

    private readonly CmdletMetadata _metadata = new();
    private readonly ModuleManifest _manifest = ModuleManifest.Load(StagedModule.ManifestPath);

    [Fact]
    public void The_staged_manifest_is_the_repository_manifest()
    {
        Assert.Equal(File.ReadAllText(TestSupport.RepositoryLayout.Path("HarmonyLite.psd1")), File.ReadAllText(StagedModule.ManifestPath));
    }

    [Fact]
    public void CmdletsToExport_is_exactly_the_cmdlets_in_the_assembly()
    {
        var exported = _manifest.List("CmdletsToExport").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(14, exported.Count);
        Assert.Equal(exported, _metadata.Cmdlets.Select(c => c.Name).ToList());
        Assert.Equal("HarmonyLite.PowerShell.dll", Assert.Single(_manifest.List("RootModule")));
    }

    [Fact]
    public void Every_format_view_selects_a_public_type_and_shows_its_properties()
    {
        var formats = _manifest.List("FormatsToProcess");
        Assert.Equal(["HarmonyLite.format.ps1xml"], formats);
        var views = formats.SelectMany(f => XDocument.Load(Path.Combine(StagedModule.Directory, f)).Descendants("View")).ToList();
        Assert.NotEmpty(views);
        var engine = _metadata.Context.LoadFromAssemblyPath(Path.Combine(StagedModule.DependenciesDirectory, "HarmonyLite.Engine.dll"));
        var isolated = _metadata.Context.LoadFromAssemblyPath(Path.Combine(StagedModule.DependenciesDirectory, "HarmonyLite.PowerShell.Isolated.dll"));
        foreach (var view in views)
        {
            var typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
            var type = new[] { _metadata.Assembly, engine, isolated }.Select(a => a.GetType(typeName)).SingleOrDefault(t => t is not null);
            Assert.True(type is { IsPublic: true }, $"View {view.Element("Name")!.Value} selects {typeName}, which is not a public type of the module.");
            var properties = view.Descendants("PropertyName").Select(p => p.Value);
            Assert.All(properties, p => Assert.True(type!.GetProperty(p) is not null || NoteProperties.Contains(p), $"{typeName} has no property {p} shown by its view."));
            var headers = view.Descendants("TableColumnHeader").Count();
            Assert.Equal(headers, view.Descendants("TableColumnItem").Count());
        }
    }

    [Fact]
    public void Status_snapshot_capture_and_quarantine_objects_have_table_views()
    {
        var selected = XDocument.Load(Path.Combine(StagedModule.Directory, "HarmonyLite.format.ps1xml")).Descendants("View")
            .Where(v => v.Element("TableControl") is not null)
            .Select(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value).ToHashSet();
        foreach (var type in new[]
        {
            "HarmonyLite.Engine.Node.NodeStatus", "HarmonyLite.Engine.Node.ShardStatus", "HarmonyLite.Engine.Snapshots.SnapshotMetadata",
            "HarmonyLite.Engine.Capture.TableCaptureReport", "HarmonyLite.Engine.Apply.QuarantinedMessage", "HarmonyLite.PowerShell.Nodes.SessionNode",
        })
        {
            Assert.Contains(type, selected);
        }
    }

    [Fact]
    public void The_module_root_holds_only_the_cmdlet_assembly_manifest_views_types_and_help()
    {
        var root = Directory.GetFileSystemEntries(StagedModule.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Dependencies", "HarmonyLite.PowerShell.dll", "HarmonyLite.format.ps1xml", "HarmonyLite.psd1", "HarmonyLite.types.ps1xml", "en-US"], root);
        Assert.Equal(["HarmonyLite.PowerShell.dll-Help.xml", "about_HarmonyLite.help.txt"],
            Directory.GetFiles(Path.Combine(StagedModule.Directory, "en-US")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        var shipped = Directory.GetFiles(StagedModule.Directory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("System.Management.Automation.dll", shipped);
        foreach (var dependency in new[] { "HarmonyLite.Engine.dll", "NATS.Client.Core.dll", "NATS.Client.JetStream.dll", "NATS.Client.KeyValueStore.dll", "NATS.Client.ObjectStore.dll", "HarmonyLite.PowerShell.Isolated.dll", "Microsoft.Data.Sqlite.dll", "Microsoft.Extensions.Logging.Abstractions.dll" })
        {
            Assert.True(File.Exists(Path.Combine(StagedModule.DependenciesDirectory, dependency)), $"{dependency} is not staged under Dependencies/.");
        }
    }

    [Fact]
    public void The_cmdlet_assembly_names_only_HarmonyLite_framework_and_PowerShell_assemblies()
    {
        // Anything else it named would bind in pwsh's default load context, beside (not instead of) the isolated copy the engine uses.
        var shipped = Directory.GetFiles(StagedModule.DependenciesDirectory, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var framework = Directory.GetFiles(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in _metadata.Assembly.GetReferencedAssemblies().Select(r => r.Name!))
        {
            var allowed = reference.StartsWith("HarmonyLite.", StringComparison.Ordinal)
                || reference == "System.Management.Automation"
                || (framework.Contains(reference) && !shipped.Contains(reference));
            Assert.True(allowed, $"HarmonyLite.PowerShell.dll references {reference}, which pwsh would load outside the module's load context.");
        }
    }

    public void Dispose() => _metadata.Dispose();
}
