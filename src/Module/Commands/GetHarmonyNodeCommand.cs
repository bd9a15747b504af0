using System.Management.Automation;
using HarmonyLite.PowerShell.Completion;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Get-HarmonyNode: the nodes started in this PowerShell session, including stopped or failed ones not yet removed by Stop-HarmonyNode.</summary>
[Cmdlet(VerbsCommon.Get, "HarmonyNode", HelpUri = HelpLinks.Base + "get-harmonynode")]
[OutputType(typeof(SessionNode))]
public sealed class GetHarmonyNodeCommand : HarmonyCmdlet
{
    /// <summary>Only these nodes; all of the session's when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NodeIdCompleter))]
    public long[]? NodeId { get; set; }

    protected override void ProcessRecord()
    {
        if (NodeId is null || NodeId.Length == 0)
        {
            WriteObject(SessionNodes.Nodes, enumerateCollection: true);
            return;
        }
        foreach (var id in NodeId)
        {
            ProcessInput(id, () => WriteObject(SessionNodes.Find(id) ?? throw new SessionNodeNotFoundException(id)));
        }
    }
}
