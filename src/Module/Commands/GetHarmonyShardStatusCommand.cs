using System.Management.Automation;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Get-HarmonyShardStatus: per shard stream, the oldest and newest message it holds, the last one the node applied and
/// the lag. From a node of this session (-Node, or the session node running on a configuration's database), or from a
/// configuration for a node running anywhere else (the sidecar, another session).
/// </summary>
[Cmdlet(VerbsCommon.Get, "HarmonyShardStatus", DefaultParameterSetName = NodeSet, HelpUri = HelpLinks.Base + "get-harmonyshardstatus")]
[OutputType(typeof(ShardStatus))]
public sealed class GetHarmonyShardStatusCommand : ConfigurationCmdlet
{
    private const string NodeSet = "Node";

    /// <summary>Nodes of this session (from Start-HarmonyNode, Get-HarmonyNode, or a job's Node).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NodeSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public SessionNode[] Node { get; set; } = [];

    protected override void ProcessRecord()
    {
        if (FromConfiguration)
        {
            ForEachConfiguration((_, config) =>
            {
                if (SessionNodes.ActiveOn(config.DbPath) is { } node) WriteFrom(node);
                else Write(RunEngine(cancellationToken => ShardStatusReader.ReadAsync(config, cancellationToken)), config.NodeId);
            });
            return;
        }
        foreach (var node in Node) ProcessInput(node.NodeId, () => WriteFrom(node));
    }

    private void WriteFrom(SessionNode node) => Write(RunEngine(node.GetStatusAsync, node.Log).Shards, node.NodeId);

    private void Write(IEnumerable<ShardStatus> shards, long nodeId)
    {
        foreach (var shard in shards) WriteObject(CmdletOutput.WithNodeId(shard, nodeId));
    }
}
