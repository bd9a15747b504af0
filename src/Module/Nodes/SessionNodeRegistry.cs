using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace HarmonyLite.PowerShell.Nodes;

/// <summary>
/// The nodes started in one PowerShell session. It lives in a global variable of the session (each runspace has
/// its own), so the module keeps no static state; when the runspace closes (pwsh exits), its nodes are stopped.
/// </summary>
public sealed class SessionNodeRegistry
{
    /// <summary>The global variable of the session that holds the registry.</summary>
    public const string VariableName = "HarmonyLiteSessionNodes";

    private static readonly StringComparer PathComparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private readonly object _gate = new();
    private readonly Dictionary<long, SessionNode> _nodes = new();

    /// <summary>The registry of the session <paramref name="sessionState"/> belongs to, created on first use.</summary>
    internal static SessionNodeRegistry Of(SessionState sessionState)
    {
        if (sessionState.PSVariable.GetValue("global:" + VariableName) is SessionNodeRegistry existing) return existing;
        var created = new SessionNodeRegistry();
        sessionState.PSVariable.Set("global:" + VariableName, created);
        if (Runspace.DefaultRunspace is { } runspace)
        {
            runspace.StateChanged += (_, change) =>
            {
                if (change.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Broken) created.StopAll();
            };
        }
        return created;
    }

    /// <summary>
    /// The registry of the runspace this thread runs (for argument completion and module removal, which have no
    /// SessionState of their own), or null when it has none yet.
    /// </summary>
    internal static SessionNodeRegistry? OfCurrentRunspace()
    {
        if (Runspace.DefaultRunspace is null) return null;
        // SessionStateProxy refuses calls while a pipeline runs (completion and Remove-Module run inside one); a
        // script block runs nested in it.
        var value = ScriptBlock.Create("$global:" + VariableName).Invoke();
        return value.Count == 1 ? value[0]?.BaseObject as SessionNodeRegistry : null;
    }

    /// <summary>
    /// When the module is removed from the session (Remove-Module, or Import-Module -Force): stops the session's nodes
    /// and forgets them, so none keeps replicating with nobody left to stop it. Their jobs end as stopped.
    /// </summary>
    internal static void StopAllOnRemove()
    {
        if (OfCurrentRunspace() is not { } registry) return;
        registry.StopAll();
        ScriptBlock.Create($"Remove-Variable -Name {VariableName} -Scope Global -Force -ErrorAction Ignore").Invoke();
    }

    /// <summary>The session's nodes by id, including stopped and failed ones not yet removed.</summary>
    public IReadOnlyList<SessionNode> Nodes
    {
        get
        {
            lock (_gate) return _nodes.Values.OrderBy(n => n.NodeId).ToList();
        }
    }

    public SessionNode? Find(long nodeId)
    {
        lock (_gate) return _nodes.GetValueOrDefault(nodeId);
    }

    /// <summary>The active node of this session replicating <paramref name="databasePath"/>, if any.</summary>
    public SessionNode? ActiveOn(string databasePath)
    {
        var full = Path.GetFullPath(databasePath);
        lock (_gate) return _nodes.Values.FirstOrDefault(n => n.IsActive && PathComparer.Equals(n.DatabasePath, full));
    }

    /// <summary>
    /// Adds a node about to start, replacing a stopped or failed one with the same id.
    /// </summary>
    /// <exception cref="NodeAlreadyRunningException">A node with that id is active in this session.</exception>
    /// <exception cref="DatabaseInUseByNodeException">An active node of this session replicates the same database.</exception>
    internal void Add(SessionNode node)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(node.NodeId, out var existing) && existing.IsActive) throw new NodeAlreadyRunningException(existing);
            if (ActiveOn(node.DatabasePath) is { } sameDatabase) throw new DatabaseInUseByNodeException(sameDatabase, $"start node {node.NodeId} on");
            _nodes[node.NodeId] = node;
        }
    }

    /// <summary>Forgets <paramref name="node"/> (not a newer node that took its id).</summary>
    internal bool Remove(SessionNode node)
    {
        lock (_gate) return _nodes.TryGetValue(node.NodeId, out var current) && current == node && _nodes.Remove(node.NodeId);
    }

    /// <summary>Stops every node of the session, in parallel, and waits until they have stopped.</summary>
    internal void StopAll() =>
        Task.WhenAll(Nodes.Select(n => n.StopAsync(CancellationToken.None))).GetAwaiter().GetResult();
}
