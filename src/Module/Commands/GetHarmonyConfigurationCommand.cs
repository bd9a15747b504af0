using System.Management.Automation;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonyConfiguration: loads node configuration files the way a node does (defaults, derived values, validation).</summary>
[Cmdlet(VerbsCommon.Get, "HarmonyConfiguration")]
[OutputType(typeof(HarmonyConfig))]
public sealed class GetHarmonyConfigurationCommand : HarmonyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ConfigPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var path in Path) ProcessInput(path, () => WriteObject(LoadConfiguration(path)));
    }
}
