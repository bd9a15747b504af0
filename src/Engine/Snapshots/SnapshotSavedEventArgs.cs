namespace HarmonyLite.Engine.Snapshots;

/// <summary>A snapshot the scheduler saved, and what triggered it.</summary>
public sealed class SnapshotSavedEventArgs : EventArgs
{
    public SnapshotSavedEventArgs(SnapshotMetadata snapshot, string trigger)
    {
        Snapshot = snapshot;
        Trigger = trigger;
    }

    public SnapshotMetadata Snapshot { get; }

    /// <summary>A phrase for the log, e.g. "stream x-1 took 512 messages since the last snapshot".</summary>
    public string Trigger { get; }
}
