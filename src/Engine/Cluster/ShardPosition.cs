namespace HarmonyLite.Engine.Cluster;

/// <summary>Where one node is on one shard stream.</summary>
/// <param name="Published">The last sequence this node published to the stream since it started; 0 for none.</param>
/// <param name="Applied">The last sequence it applied (or passed as its own).</param>
public sealed record ShardPosition(int Shard, string Stream, ulong Published, ulong Applied);
