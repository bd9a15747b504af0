using System.Management.Automation;
using HarmonyLite.PowerShell.Errors;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>An operation on a database that a node of this PowerShell session replicates, which must not run under it.</summary>
public sealed class DatabaseInUseByNodeException(SessionNode node, string operation)
    : HarmonyModuleException(
        $"Cannot {operation} {node.DatabasePath}: node {node.NodeId} of this PowerShell session replicates it. Stop it first with Stop-HarmonyNode -NodeId {node.NodeId}.",
        ErrorCategory.ResourceBusy, "DatabaseInUseByNode", node.DatabasePath);
