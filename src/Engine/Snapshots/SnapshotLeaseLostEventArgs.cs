namespace HarmonyLite.Engine.Snapshots;

/// <summary>Why a node stopped holding the snapshot lease.</summary>
public sealed class SnapshotLeaseLostEventArgs : EventArgs
{
    public SnapshotLeaseLostEventArgs(string reason) => Reason = reason;

    /// <summary>A sentence for the log: taken by another node, deleted, or not renewable in time.</summary>
    public string Reason { get; }
}
