using System.Management.Automation;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>A cmdlet that works from node configuration files: <c>-ConfigPath</c> (wildcards) or <c>-LiteralPath</c>.</summary>
public abstract class ConfigurationCmdlet : HarmonyCmdlet
{
    private protected const string ConfigurationSet = "Configuration";
    private protected const string LiteralConfigurationSet = "LiteralConfiguration";

    /// <summary>Node configuration files (TOML); wildcards match several.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ConfigurationSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = "";

    /// <summary>A node configuration file, its name taken as it is (no wildcards); binds from files piped in.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralConfigurationSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    /// <summary>Whether the input is a configuration file (either parameter).</summary>
    private protected bool FromConfiguration => ParameterSetName is ConfigurationSet or LiteralConfigurationSet;

    /// <summary>The parameter the configuration came from, for messages.</summary>
    private protected string ConfigurationParameter => ParameterSetName == LiteralConfigurationSet ? nameof(LiteralPath) : nameof(ConfigPath);

    /// <summary>The configuration files the parameters name.</summary>
    private protected IReadOnlyList<string> ConfigurationFiles() => ParameterSetName == LiteralConfigurationSet
        ? ResolveInputPaths(LiteralPath, literal: true, nameof(LiteralPath), nameof(LiteralPath))
        : ResolveInputPaths(ConfigPath, literal: false, nameof(ConfigPath), nameof(LiteralPath));

    /// <summary>Runs <paramref name="work"/> for each configuration file named, loaded; a failure for one file is a non-terminating error about it.</summary>
    private protected void ForEachConfiguration(Action<string, HarmonyConfig> work, ConfigurationOverrides? overrides = null)
    {
        foreach (var file in Resolved(ConfigurationFiles, ParameterSetName == LiteralConfigurationSet ? LiteralPath : ConfigPath))
            ProcessInput(file, () => work(file, LoadConfiguration(file, ConfigurationParameter, overrides)));
    }
}
