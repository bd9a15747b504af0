using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.PowerShell.Nodes;

namespace HarmonyLite.PowerShell.Commands;

/// <summary>
/// A cmdlet about the whole cluster, asked through one node: a node of this session (-Node, or the session's running
/// node when none is given), or a configuration for a node running anywhere else. The cluster is asked once, through
/// the first node given, however many come down the pipeline.
/// </summary>
public abstract class ClusterCmdlet : ConfigurationCmdlet
{
    private protected const string NodeSet = "Node";

    private SessionNode? _node;
    // A class, not a tuple: a struct field of an engine type would load the engine before the module's load context can.
    private GivenConfiguration? _configuration;

    /// <summary>A node of this session (from Start-HarmonyNode, Get-HarmonyNode, or a job's Node); the session's running node when omitted.</summary>
    [Parameter(ParameterSetName = NodeSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public SessionNode? Node { get; set; }

    private protected override bool FailuresTerminate => true;

    protected override void ProcessRecord()
    {
        if (FromConfiguration)
        {
            if (_configuration is null) ForEachConfiguration((file, config) => _configuration ??= new GivenConfiguration(file, config));
            return;
        }
        _node ??= Node;
    }

    protected override void EndProcessing()
    {
        if (_configuration is { } given)
        {
            // The session's own node answers over its connection: its embedded server may listen on a random port.
            if (SessionNodes.ActiveOn(given.Config.DbPath) is { } active) ProcessInput(active.NodeId, () => AskNode(active));
            else ProcessInput(given.File, () => AskConfiguration(given.Config));
            return;
        }
        if (FromConfiguration) return; // the configuration could not be loaded: that error was written
        var node = _node ?? SessionNodes.Nodes.FirstOrDefault(n => n.State == Engine.Node.NodeState.Running);
        if (node is null)
        {
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(
                    "No node of this PowerShell session is running. Start one with Start-HarmonyNode, or give the configuration of a node running elsewhere: -ConfigPath node.toml."),
                "NoRunningNode", ErrorCategory.InvalidOperation, null));
            return;
        }
        ProcessInput(node.NodeId, () => AskNode(node));
    }

    private sealed record GivenConfiguration(string File, HarmonyConfig Config);

    /// <summary>Does the cmdlet's work through a node of this session.</summary>
    private protected abstract void AskNode(SessionNode node);

    /// <summary>Does the cmdlet's work through the NATS a configuration names.</summary>
    private protected abstract void AskConfiguration(HarmonyConfig config);
}
