namespace HarmonyLite.Engine.Snapshots;

/// <summary>Why a node would start from a snapshot.</summary>
public enum RestoreReason
{
    /// <summary>The database can catch up from the streams.</summary>
    None,

    /// <summary>The database file does not exist.</summary>
    DatabaseMissing,

    /// <summary>No watched table has a row and nothing was ever applied: a fresh node with an empty schema copy.</summary>
    DatabaseEmpty,

    /// <summary>A stream no longer holds messages this node has not applied yet.</summary>
    LogTruncated,
}
