using System.Management.Automation;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>
/// A node of this session whose embedded nats-server was not ready in time, said in the cmdlets' words: what the
/// cluster needs, which parameters set it, and nats-server's last output with repeated lines counted, not repeated.
/// The engine's exception is the inner exception.
/// </summary>
public sealed class NodeStartTimeoutException : HarmonyModuleException
{
    private NodeStartTimeoutException(string message, long nodeId, EmbeddedNatsServerStartException inner)
        : base(message, ErrorCategory.OperationTimeout, "EmbeddedNatsServerStartTimeout", nodeId, inner)
    {
    }

    /// <summary>The wording for <paramref name="failure"/>, when it is an embedded server start that timed out; else null.</summary>
    internal static NodeStartTimeoutException? From(Exception failure, HarmonyConfig config)
    {
        if (failure is not EmbeddedNatsServerStartException { InnerException: OperationCanceledException } timeout) return null;
        var limit = new EmbeddedNatsServerOptions { NodeId = config.NodeId, DataDirectory = "" }.StartTimeout;
        var cluster = config.Cluster;
        var text = $"The embedded nats-server of node {config.NodeId} was not ready within {limit.TotalSeconds:0} s.";
        if (cluster.Peers.Count > 0 || cluster.ListenAddress is not null)
        {
            text += $" It is one of {cluster.Peers.Count + 1} servers of a cluster, and JetStream answers only once a majority of"
                + " them run and reach each other: start the other nodes at the same time (Start-HarmonyNode -AsJob), and check"
                + $" that -ClusterPeers ({string.Join(", ", cluster.Peers.Select(p => p.OriginalString))}) lists the other"
                + $" nodes' -ClusterAddress and that they can reach this one at -ClusterAddress {cluster.ListenAddress?.ToString() ?? "(not set)"}.";
        }
        else
        {
            text += " The machine may be too busy; try again, and see what the node logged (Start-HarmonyNode -Verbose).";
        }
        var output = NatsServerOutput.Summarize(timeout.RecentOutput);
        if (output.Length > 0) text += $"{Environment.NewLine}Last nats-server output:{Environment.NewLine}{output}";
        return new NodeStartTimeoutException(text, config.NodeId, timeout);
    }
}
