namespace HarmonyLite.Engine.Node;

/// <summary>A node's state and progress at one moment.</summary>
/// <param name="PublishedBatches">Batches this node published since it started.</param>
/// <param name="AppliedBatches">Batches of other nodes it applied since it started.</param>
/// <param name="PendingChanges">Local changes captured but not yet published.</param>
/// <param name="QuarantinedMessages">Messages in the quarantine now (see Get-HarmonyQuarantine).</param>
public sealed record NodeStatus(
    long NodeId,
    NodeState State,
    string DatabasePath,
    string NatsUrl,
    DateTimeOffset StartedAt,
    IReadOnlyList<ShardStatus> Shards,
    long PublishedBatches,
    long AppliedBatches,
    long PendingChanges,
    long QuarantinedMessages,
    string? LastError);
