using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// Changes read for publishing, and the change-log range they came from, which
/// <see cref="ChangeReader.MarkPublished"/> marks once the publish is acknowledged.
/// </summary>
/// <param name="Batch">The changes, in capture order, whole transactions only (unless <see cref="Cut"/>).</param>
/// <param name="FirstSequence">The change sequence number of the first change covered.</param>
/// <param name="LastSequence">The change sequence number of the last change covered; a transaction boundary unless <see cref="Cut"/>.</param>
public sealed record PendingBatch(ChangeBatch Batch, long FirstSequence, long LastSequence)
{
    /// <summary>The batch ends inside a group of transactions too large for one message: a transaction may go on in the next.</summary>
    public bool Cut { get; init; }
}
