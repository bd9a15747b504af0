using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.PowerShell.Progress;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// A cmdlet that works on the snapshot store of a node: named by its configuration file, or a node of this session
/// (<c>-Node</c>, or the session node running on the configuration's database), whose own NATS connection it then uses.
/// </summary>
public abstract class SnapshotCmdlet : ConfigurationCmdlet
{
    private protected const string NodeSet = "Node";

    /// <summary>Nodes of this session (from Start-HarmonyNode, Get-HarmonyNode, or a job's Node).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NodeSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public SessionNode[] Node { get; set; } = [];

    /// <summary>Runs <paramref name="work"/> for each node the parameters name; a failure for one is an error about it.</summary>
    private protected void ForEachSnapshotSource(Action<SnapshotSource> work)
    {
        if (FromConfiguration)
        {
            ForEachConfiguration((file, config) => work(new SnapshotSource(config, SessionNodes.ActiveOn(config.DbPath), file)));
            return;
        }
        foreach (var node in Node) ProcessInput(node.NodeId, () => work(new SnapshotSource(node.EngineConfig, node, $"node {node.NodeId}")));
    }

    /// <summary>
    /// Opens the snapshot store (over the session node's connection when it runs), runs <paramref name="work"/> on it
    /// and closes it, writing what the engine logs and how far snapshot bytes have come to this cmdlet's streams.
    /// </summary>
    private protected T WithSnapshots<T>(SnapshotSource source, string activity, Func<SnapshotService, CancellationToken, Task<T>> work)
    {
        var log = source.Node?.Log ?? EngineLog.For(source.Config);
        var progress = new TransferProgress(this, activity);
        try
        {
            return RunEngine(async cancellationToken =>
            {
                await using var snapshots = source.Node is { State: Engine.Node.NodeState.Running } node
                    ? await node.OpenSnapshotServiceAsync(cancellationToken).ConfigureAwait(false)
                    : await EngineEntryPoints.OpenSnapshotServiceAsync(source.Config, log, cancellationToken).ConfigureAwait(false);
                snapshots.Progress = progress;
                return await work(snapshots, cancellationToken).ConfigureAwait(false);
            }, log, progress.Show);
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>Where snapshots come from: a configuration, and the session node running on its database, if any.</summary>
    /// <param name="Config">The node's configuration, with its secrets (it is handed to the engine only).</param>
    /// <param name="Node">The node of this session on that database; null when it runs elsewhere or not at all.</param>
    /// <param name="Input">The configuration file or node, for messages.</param>
    private protected sealed record SnapshotSource(HarmonyConfig Config, SessionNode? Node, string Input)
    {
        public string DatabasePath => System.IO.Path.GetFullPath(Config.DbPath);
    }
}
