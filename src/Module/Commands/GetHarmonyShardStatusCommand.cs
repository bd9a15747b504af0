using System.Management.Automation;
using HarmonyLite.Engine.Cluster;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Get-HarmonyShardStatus: per shard stream, the oldest and newest message it holds, the last one the node applied and
/// the lag. From a node of this session (-Node, or the session node running on a configuration's database), or from a
/// configuration for a node running anywhere else (the sidecar, another session). With the cluster's view of each shard
/// (from the cluster bucket): the greatest lag of a live node, and which live nodes are behind.
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
                else Write(RunEngine(cancellationToken => ShardStatusReader.ReadAsync(config, cancellationToken)), config.NodeId,
                    TryReadCluster(() => RunEngine(cancellationToken => ClusterStatusReader.ReadAsync(config, cancellationToken))));
            });
            return;
        }
        foreach (var node in Node) ProcessInput(node.NodeId, () => WriteFrom(node));
    }

    private void WriteFrom(SessionNode node) => Write(RunEngine(node.GetStatusAsync, node.Log).Shards, node.NodeId,
        node.State == NodeState.Running ? TryReadCluster(() => RunEngine(node.ReadClusterStatusAsync, node.Log)) : null);

    private void Write(IEnumerable<ShardStatus> shards, long nodeId, ClusterStatus? cluster)
    {
        // The same facts the health report shows (ClusterFacts): computed in the engine, not here.
        var facts = cluster is null ? null : ClusterFacts.From(cluster);
        foreach (var shard in shards)
        {
            var output = CmdletOutput.WithNodeId(shard, nodeId);
            if (facts?.Shard(shard.Stream) is { } view)
            {
                output.Properties.Add(new PSNoteProperty(ClusterLagNote, view.ClusterLag));
                output.Properties.Add(new PSNoteProperty(NodesBehindNote, view.NodesBehind.ToArray()));
            }
            WriteObject(output);
        }
    }

    internal const string ClusterLagNote = "ClusterLag";
    internal const string NodesBehindNote = "NodesBehind";

    // The shards' own status stands without the cluster's view: a cluster that cannot be read is a warning.
    private ClusterStatus? TryReadCluster(Func<ClusterStatus> read)
    {
        try
        {
            return read();
        }
        catch (Exception error) when (error is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            WriteWarning($"The cluster's view of the shards (ClusterLag, NodesBehind) is missing: {error.Message}");
            return null;
        }
    }
}
