using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Jobs;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.PowerShell.Progress;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// Start-HarmonyNode: starts a node in this PowerShell session and returns once it replicates (or at once with
/// <c>-AsJob</c>, returning a job). The node runs in the background until Stop-HarmonyNode, Stop-Job, Remove-Module,
/// or the session ends.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "HarmonyNode", SupportsShouldProcess = true, DefaultParameterSetName = ConfigurationSet,
    HelpUri = HelpLinks.Base + "start-harmonynode")]
[OutputType(typeof(SessionNode), typeof(HarmonyNodeJob))]
public sealed class StartHarmonyNodeCommand : ConfigurationCmdlet
{
    /// <summary>Replaces the configuration's <c>node_id</c> (<c>-node-id</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long NodeId { get; set; }

    /// <summary><c>host:port</c> the embedded nats-server listens on for cluster routes (<c>-cluster-addr</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ClusterAddress { get; set; }

    /// <summary>Route URLs of the other nodes' embedded servers (<c>-cluster-peers</c>), e.g. <c>nats://10.0.0.2:4222</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ClusterPeers { get; set; }

    /// <summary>Leafnode remote URLs (<c>-leaf-servers</c>); <c>?hub=true</c> marks a hub.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? LeafServers { get; set; }

    /// <summary>Returns a PowerShell job at once instead of waiting until the node replicates.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord() => ForEachConfiguration((file, config) =>
    {
        var node = new SessionNode(file, config);
        if (!ShouldProcess(node.DatabasePath, $"Start HarmonyLite node {node.NodeId} (installs change capture and replicates the database)")) return;
        SessionNodes.Add(node);
        if (AsJob)
        {
            var job = new HarmonyNodeJob(node, $"Start-HarmonyNode -LiteralPath '{node.ConfigPath}'");
            JobRepository.Add(job);
            node.Job = job;
            job.Start();
            WriteObject(job);
            return;
        }
        try
        {
            using var progress = new NodeStartProgress(this, node);
            RunEngine(node.StartAsync, node.Log, progress.Show);
        }
        catch
        {
            // The error is reported now; a node that never ran has nothing left to manage.
            SessionNodes.Remove(node);
            throw;
        }
        WriteObject(node);
    }, new ConfigurationOverrides
    {
        NodeId = NodeId > 0 ? NodeId : null,
        ClusterAddress = ClusterAddress,
        ClusterPeers = ClusterPeers is null ? null : string.Join(",", ClusterPeers),
        LeafServers = LeafServers is null ? null : string.Join(",", LeafServers),
    });
}
