namespace HarmonyLite.Engine.Snapshots;

/// <summary>How a store took a snapshot file it was given (<see cref="ISnapshotStore.PutFileAsync"/>).</summary>
public enum SnapshotFilePlacement
{
    /// <summary>Its bytes were copied (uploaded, or copied across file systems): reading them back checks the copy.</summary>
    Copied,

    /// <summary>The file itself was renamed into place on one file system: its bytes are the ones already hashed.</summary>
    Renamed,
}
