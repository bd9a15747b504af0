using System.Management.Automation;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Get-HarmonyCluster: every node of the cluster, from the cluster bucket: its state, host, version, heartbeat age
/// (stale or not), lag per shard, pending and quarantined counts, and the tables whose schema differs from the others'.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HarmonyCluster", DefaultParameterSetName = NodeSet, HelpUri = HelpLinks.Base + "get-harmonycluster")]
[OutputType(typeof(ClusterNodeStatus))]
public sealed class GetHarmonyClusterCommand : ClusterCmdlet
{
    private protected override void AskNode(SessionNode node) => Write(RunEngine(node.ReadClusterStatusAsync, node.Log));

    private protected override void AskConfiguration(HarmonyConfig config) =>
        Write(RunEngine(cancellationToken => ClusterStatusReader.ReadAsync(config, cancellationToken)));

    private void Write(ClusterStatus status)
    {
        foreach (var node in status.Nodes) WriteObject(node);
    }
}
