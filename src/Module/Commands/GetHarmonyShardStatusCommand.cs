using System.Management.Automation;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Get-HarmonyShardStatus: per shard stream, the oldest and newest message it holds, the last one the node applied and
/// the lag. From a node of this session, or from a configuration for a node running anywhere (the sidecar, another session).
/// </summary>
[Cmdlet(VerbsCommon.Get, "HarmonyShardStatus", DefaultParameterSetName = NodeSet)]
[OutputType(typeof(ShardStatus))]
public sealed class GetHarmonyShardStatusCommand : HarmonyCmdlet
{
    private const string NodeSet = "Node";
    private const string ConfigurationSet = "Configuration";

    /// <summary>Nodes from Start-HarmonyNode or Get-HarmonyNode.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NodeSet)]
    [ValidateNotNull]
    public SessionNode[] Node { get; set; } = [];

    /// <summary>A node configuration: positions are read from its database, stream ranges from its NATS.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ConfigurationSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ConfigurationSet)
        {
            ProcessInput(ConfigPath, () =>
            {
                var config = LoadConfiguration(ConfigPath);
                Write(RunEngine(cancellationToken => ShardStatusReader.ReadAsync(config, cancellationToken)), config.NodeId);
            });
            return;
        }
        foreach (var node in Node)
        {
            ProcessInput(node.NodeId, () => Write(RunEngine(node.GetStatusAsync, node.Log).Shards, node.NodeId));
        }
    }

    private void Write(IEnumerable<ShardStatus> shards, long nodeId)
    {
        foreach (var shard in shards) WriteObject(CmdletOutput.WithNodeId(shard, nodeId));
    }
}
