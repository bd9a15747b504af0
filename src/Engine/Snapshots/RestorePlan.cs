namespace HarmonyLite.Engine.Snapshots;

/// <summary>What a node does with its database before it consumes: restore <see cref="Snapshot"/>, or nothing when it is null.</summary>
/// <param name="Reason">Why a restore is or would be useful.</param>
/// <param name="Snapshot">The snapshot to restore; null when no restore is needed.</param>
/// <param name="Explanation">One sentence for the log.</param>
/// <param name="UnpublishedChanges">Local changes not published yet; a restore discards them (publish them first).</param>
public sealed record RestorePlan(RestoreReason Reason, SnapshotMetadata? Snapshot, string Explanation, long UnpublishedChanges)
{
    public bool RestoreNeeded => Snapshot is not null;
}
