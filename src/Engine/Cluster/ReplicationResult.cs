namespace HarmonyLite.Engine.Cluster;

/// <summary>A replication wait that succeeded: every node in <paramref name="Nodes"/> applied every shard up to its target.</summary>
/// <param name="Stopped">Nodes that stopped cleanly during the wait and so were not waited for any more.</param>
public sealed record ReplicationResult(IReadOnlyList<ulong> Nodes, IReadOnlyList<ReplicatedShard> Shards, IReadOnlyList<ulong> Stopped, TimeSpan Elapsed);
