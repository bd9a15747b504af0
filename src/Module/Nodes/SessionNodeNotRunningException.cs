using System.Management.Automation;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>An operation that needs a running node was given a node of the session that is starting, stopped or failed.</summary>
public sealed class SessionNodeNotRunningException(SessionNode node)
    : HarmonyModuleException(
        $"Node {node.NodeId} of this PowerShell session is {node.State.ToString().ToLowerInvariant()}, not running"
        + (node.LastError is { } error ? $" ({error})" : "") + ". Wait until it runs (Get-HarmonyNode shows its State), "
        + $"or give its configuration instead: -ConfigPath '{node.ConfigPath}'.",
        ErrorCategory.InvalidOperation, "NodeNotRunning", node.NodeId);
