using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// A cmdlet that works on databases, named by node configuration files (<c>-ConfigPath</c>, <c>-LiteralPath</c>) or
/// given directly (<c>-DatabasePath</c>, <c>-LiteralDatabasePath</c>).
/// </summary>
public abstract class DatabaseCmdlet : ConfigurationCmdlet
{
    private protected const string DatabaseSet = "Database";
    private protected const string LiteralDatabaseSet = "LiteralDatabase";

    /// <summary>SQLite database files; wildcards match several.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [Alias("DbPath")]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>A SQLite database file, its name taken as it is (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralDatabaseSet)]
    [ValidateNotNullOrEmpty]
    public string LiteralDatabasePath { get; set; } = "";

    /// <summary>
    /// Runs <paramref name="work"/> for each database the parameters name (it must exist); a failure for one is a
    /// non-terminating error about it.
    /// </summary>
    private protected void ForEachDatabase(Action<DatabaseInput> work)
    {
        if (FromConfiguration)
        {
            ForEachConfiguration((file, config) =>
            {
                var database = config.DbPath;
                if (!File.Exists(database)) throw InputNotFoundException.DatabaseOf(database, file);
                work(new DatabaseInput(database, config.NodeId, config));
            });
            return;
        }
        var literal = ParameterSetName == LiteralDatabaseSet;
        var parameter = literal ? nameof(LiteralDatabasePath) : nameof(DatabasePath);
        var input = literal ? LiteralDatabasePath : DatabasePath;
        foreach (var database in Resolved(() => ResolveInputPaths(input, literal, parameter, nameof(LiteralDatabasePath)), input))
        {
            ProcessInput(database, () =>
            {
                if (!File.Exists(database)) throw InputNotFoundException.Database(database, parameter);
                work(new DatabaseInput(database, 0, null));
            });
        }
    }

    /// <summary>One database to work on.</summary>
    /// <param name="DatabasePath">Its full path.</param>
    /// <param name="NodeId">The node id its configuration gives; 0 when the database was given directly.</param>
    /// <param name="Config">Its configuration; null when the database was given directly.</param>
    private protected sealed record DatabaseInput(string DatabasePath, long NodeId, HarmonyConfig? Config);
}
