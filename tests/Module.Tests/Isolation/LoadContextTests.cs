using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using HarmonyLite.Module.Tests.Metadata;
using HarmonyLite.PowerShell.Loading;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Module.Tests.Isolation;

/// <summary>
/// The engine and its dependencies run in HarmonyLiteLoadContext, from the staged Dependencies folder, apart from
/// whatever the host process (pwsh, here the test host) has loaded.
/// </summary>
public sealed class LoadContextTests : IDisposable
{
    private readonly TempDirectory _directory = new("module-isolation");

    [Fact]
    public async Task The_engine_opens_SQLite_with_its_own_copy_of_Microsoft_Data_Sqlite()
    {
        var database = _directory.File("isolated.db");
        CreateDatabase(database, "CREATE TABLE Books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO Books VALUES (1, 'Dune');");

        var context = new HarmonyLiteLoadContext(StagedModule.DependenciesDirectory);
        var engine = context.LoadFromAssemblyName(new AssemblyName("HarmonyLite.Engine"));
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(engine));
        Assert.Equal(Path.Combine(StagedModule.DependenciesDirectory, "HarmonyLite.Engine.dll"), engine.Location);

        var compute = engine.GetType("HarmonyLite.Engine.Inspection.DatabaseDigest", throwOnError: true)!.GetMethod("ComputeAsync")!;
        var task = (Task)compute.Invoke(null, [database, CancellationToken.None])!;
        await task;
        var digest = task.GetType().GetProperty("Result")!.GetValue(task)!;
        var rowCounts = (IReadOnlyDictionary<string, long>)digest.GetType().GetProperty("RowCounts")!.GetValue(digest)!;
        Assert.Equal(1, rowCounts["Books"]);

        var isolatedSqlite = Assert.Single(context.Assemblies, a => a.GetName().Name == "Microsoft.Data.Sqlite");
        Assert.Equal(Path.Combine(StagedModule.DependenciesDirectory, "Microsoft.Data.Sqlite.dll"), isolatedSqlite.Location);
        var defaultSqlite = typeof(SqliteConnection).Assembly;
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(defaultSqlite));
        Assert.NotSame(defaultSqlite, isolatedSqlite);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.Location == isolatedSqlite.Location);
    }

    [Fact]
    public void Assemblies_the_module_does_not_ship_come_from_the_host()
    {
        var context = new HarmonyLiteLoadContext(StagedModule.DependenciesDirectory);
        var isolated = context.LoadFromAssemblyName(new AssemblyName("HarmonyLite.PowerShell.Isolated"));
        var automation = isolated.GetReferencedAssemblies().Single(r => r.Name == "System.Management.Automation");
        Assert.Same(typeof(System.Management.Automation.PSObject).Assembly, context.LoadFromAssemblyName(automation));
        Assert.Same(typeof(object).Assembly, context.LoadFromAssemblyName(new AssemblyName("System.Private.CoreLib")));
    }

    /// <summary>
    /// What pwsh does on Import-Module: it loads the cmdlet assembly from the module root into its default context,
    /// enumerates the public types before calling the module initializer, then runs cmdlets, whose HarmonyLite
    /// assemblies the initializer routes to the isolated context.
    /// </summary>
    [Fact]
    public void Importing_the_module_as_pwsh_does_binds_the_engine_inside_the_isolated_context()
    {
        var host = new SimulatedPowerShellContext(StagedModule.DependenciesDirectory);
        var cmdlets = host.LoadFromAssemblyPath(StagedModule.CmdletAssemblyPath);

        var exported = cmdlets.GetExportedTypes(); // before OnImport: must not need any HarmonyLite dependency
        Assert.Contains(exported, t => t.Name == "StartHarmonyNodeCommand");
        Assert.Empty(host.Refused);

        host.Import();
        var installer = cmdlets.GetType("HarmonyLite.PowerShell.Commands.InstallHarmonyTriggersCommand", throwOnError: true)!;
        var output = installer.GetCustomAttributes().Single(a => a.GetType().Name == "OutputTypeAttribute");
        Assert.NotNull(output);
        // The output type is an engine type: it resolves through the module's context, not from the host's files.
        var engine = Assert.Single(host.RoutedToModule, a => a.GetName().Name == "HarmonyLite.Engine");
        Assert.Equal(Path.Combine(StagedModule.DependenciesDirectory, "HarmonyLite.Engine.dll"), engine.Location);
        Assert.Empty(host.Refused);
    }

    private static void CreateDatabase(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Stands in for pwsh's default load context: the framework and System.Management.Automation come from the host,
    /// HarmonyLite assemblies only after "import" (routed to HarmonyLiteLoadContext as ModuleInitializer does), and
    /// any other request is refused and recorded, as pwsh would fail to find it in the module root.
    /// </summary>
    private sealed class SimulatedPowerShellContext(string dependencies) : AssemblyLoadContext("simulated-pwsh-default")
    {
        private readonly HarmonyLiteLoadContext _module = new(dependencies);
        private readonly HashSet<string> _framework = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase)!;
        private bool _imported;

        public List<string> Refused { get; } = new();

        public List<Assembly> RoutedToModule { get; } = new();

        public void Import() => _imported = true;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name!;
            if (name == "System.Management.Automation") return typeof(System.Management.Automation.PSObject).Assembly;
            if (_framework.Contains(name)) return null;
            if (_imported && name.StartsWith("HarmonyLite.", StringComparison.Ordinal))
            {
                var assembly = _module.LoadFromAssemblyName(assemblyName);
                RoutedToModule.Add(assembly);
                return assembly;
            }
            Refused.Add(name);
            throw new FileNotFoundException($"{name} is not in the module root.", name);
        }
    }
}
