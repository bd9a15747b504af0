namespace HarmonyLite.Engine.Snapshots;

/// <summary>A snapshot the scheduler saved, and what triggered it.</summary>
public sealed class SnapshotSavedEventArgs : EventArgs
{
    public SnapshotSavedEventArgs(SnapshotMetadata snapshot, string trigger, TimeSpan duration = default)
    {
        Snapshot = snapshot;
        Trigger = trigger;
        Duration = duration;
    }

    public SnapshotMetadata Snapshot { get; }

    /// <summary>A phrase for the log, e.g. "stream x-1 took 512 messages since the last snapshot".</summary>
    public string Trigger { get; }

    /// <summary>How long saving and uploading it took.</summary>
    public TimeSpan Duration { get; }
}
