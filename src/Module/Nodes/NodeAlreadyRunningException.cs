using System.Management.Automation;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>A node with this id is already starting or running in this PowerShell session.</summary>
public sealed class NodeAlreadyRunningException(SessionNode existing)
    : HarmonyModuleException(
        $"Node {existing.NodeId} is already {existing.State.ToString().ToLowerInvariant()} in this PowerShell session, on {existing.DatabasePath}. "
        + $"Stop it first (Stop-HarmonyNode -NodeId {existing.NodeId}), or start this node with another -NodeId.",
        ErrorCategory.ResourceExists, "NodeAlreadyRunning", existing.NodeId);
