using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Configuration;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Get-HarmonyConfiguration: loads node configuration files the way a node does (defaults, derived values, validation),
/// secrets hidden.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HarmonyConfiguration", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "get-harmonyconfiguration")]
[OutputType(typeof(HarmonyConfig))]
public sealed class GetHarmonyConfigurationCommand : HarmonyCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Configuration files; wildcards match several.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ConfigPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Configuration files, their names taken as they are; binds from files piped in.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var parameter = literal ? nameof(LiteralPath) : nameof(Path);
        foreach (var input in literal ? LiteralPath : Path)
        {
            foreach (var file in Resolved(() => ResolveInputPaths(input, literal, parameter, nameof(LiteralPath)), input))
                ProcessInput(file, () => WriteObject(ConfigurationRedaction.WithoutSecrets(LoadConfiguration(file, parameter))));
        }
    }
}
