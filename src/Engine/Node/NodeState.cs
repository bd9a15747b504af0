namespace HarmonyLite.Engine.Node;

/// <summary>Where a node is in its life.</summary>
public enum NodeState
{
    Starting,
    Restoring,
    Running,
    Stopping,
    Stopped,
    Faulted,
}
