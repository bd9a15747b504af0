namespace HarmonyLite.Engine.Snapshots;

/// <summary>Which way snapshot bytes are moving.</summary>
public enum SnapshotTransferDirection
{
    /// <summary>A saved snapshot going into the store.</summary>
    Upload,

    /// <summary>A snapshot coming out of the store, to be restored or merged.</summary>
    Download,
}

/// <summary>How far a snapshot upload or download has come, for progress displays.</summary>
/// <param name="SnapshotId">The snapshot moving.</param>
/// <param name="Direction">Into or out of the store.</param>
/// <param name="Bytes">Bytes moved so far.</param>
/// <param name="TotalBytes">The snapshot's size.</param>
public sealed record SnapshotTransfer(string SnapshotId, SnapshotTransferDirection Direction, long Bytes, long TotalBytes);
