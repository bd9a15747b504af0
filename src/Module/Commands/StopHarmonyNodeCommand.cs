using System.Management.Automation;
using HarmonyLite.PowerShell.Completion;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>Stop-HarmonyNode: stops nodes of this session gracefully (the batch in flight is finished) and forgets them.</summary>
[Cmdlet(VerbsLifecycle.Stop, "HarmonyNode", SupportsShouldProcess = true, DefaultParameterSetName = NodeSet, HelpUri = HelpLinks.Base + "stop-harmonynode")]
[OutputType(typeof(SessionNode))]
public sealed class StopHarmonyNodeCommand : HarmonyCmdlet
{
    private const string NodeSet = "Node";
    private const string NodeIdSet = "NodeId";

    /// <summary>Nodes from Start-HarmonyNode or Get-HarmonyNode (or a job's Node).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NodeSet)]
    [ValidateNotNull]
    public SessionNode[] Node { get; set; } = [];

    /// <summary>Ids of nodes of this session.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NodeIdSet)]
    [ArgumentCompleter(typeof(NodeIdCompleter))]
    public long[] NodeId { get; set; } = [];

    /// <summary>Writes each stopped node to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == NodeSet)
        {
            foreach (var node in Node) Stop(node);
            return;
        }
        foreach (var id in NodeId)
        {
            ProcessInput(id, () =>
            {
                var node = SessionNodes.Find(id) ?? throw new SessionNodeNotFoundException(id);
                Stop(node);
            });
        }
    }

    private void Stop(SessionNode node) => ProcessInput(node.NodeId, () =>
    {
        if (!ShouldProcess($"node {node.NodeId} ({node.DatabasePath})", "Stop HarmonyLite node")) return;
        // A job's node stops through its job, so the job is stopped (not still stopping) when this returns.
        RunEngine(node.Job is { } job ? job.StopAsync : node.StopAsync, node.Log);
        SessionNodes.Remove(node);
        if (PassThru) WriteObject(node);
    });
}
