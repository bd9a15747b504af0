namespace HarmonyLite.Engine.Node;

/// <summary>A node's state and progress at one moment.</summary>
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
