namespace HarmonyLite.Engine.Replication;

/// <summary>
/// The unit of replication: the changes one node read in one read transaction, published as one
/// JetStream message and applied on every other node in one SQLite transaction.
/// </summary>
/// <param name="NodeId">The node that captured the changes.</param>
/// <param name="BatchId">
/// Deterministic for the same pending changes (derived from the node id and the change-log ids it
/// covers), so a publish retried after a crash carries the same <c>Nats-Msg-Id</c> and is de-duplicated.
/// </param>
/// <param name="Changes">In capture order; whole transactions only.</param>
public sealed record ChangeBatch(long NodeId, string BatchId, IReadOnlyList<RowChange> Changes)
{
    /// <summary>The newest wire format version this build reads and writes; see docs/wire-format.md.</summary>
    public const int FormatVersion = 2;

    /// <summary>The row-level format of earlier builds: every change carries whole rows, no life, no schema hash.</summary>
    public const int RowLevelFormatVersion = 1;
}
