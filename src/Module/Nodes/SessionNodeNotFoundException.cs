using System.Management.Automation;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>No node with this id was started in this PowerShell session.</summary>
public sealed class SessionNodeNotFoundException(long nodeId)
    : HarmonyModuleException(
        $"No node {nodeId} was started in this PowerShell session. Get-HarmonyNode lists the session's nodes; nodes of other sessions or of the harmonylite sidecar are not among them.",
        ErrorCategory.ObjectNotFound, "NodeNotFound", nodeId);
