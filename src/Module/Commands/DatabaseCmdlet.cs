using System.Management.Automation;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>A cmdlet that works on one database, named by a node configuration file or given directly.</summary>
public abstract class DatabaseCmdlet : HarmonyCmdlet
{
    private protected const string ConfigurationSet = "Configuration";
    private protected const string DatabaseSet = "Database";

    /// <summary>A node configuration file (TOML); the database is its <c>db_path</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConfigurationSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = "";

    /// <summary>The SQLite database file.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [Alias("DbPath")]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>What the parameters name: the database's full path and, from the configuration, the node id (0 when a database was given directly).</summary>
    private protected (string DatabasePath, long NodeId) ResolveDatabase()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            var config = LoadConfiguration(ConfigPath);
            return (config.DbPath, config.NodeId);
        }
        return (ResolvePath(DatabasePath), 0);
    }

    /// <summary>The input this invocation is about, for error records.</summary>
    private protected string InputTarget => ParameterSetName == ConfigurationSet ? ConfigPath : DatabasePath;
}
