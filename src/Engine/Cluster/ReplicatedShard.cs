namespace HarmonyLite.Engine.Cluster;

/// <summary>A shard stream's last sequence when a replication wait began: what every node had to apply.</summary>
public sealed record ReplicatedShard(int Shard, string Stream, ulong Sequence);
