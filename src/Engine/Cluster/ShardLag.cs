namespace HarmonyLite.Engine.Cluster;

/// <summary>How far one node is behind on one shard stream.</summary>
/// <param name="Published">The last sequence the node published to the stream since it started.</param>
/// <param name="Applied">The last sequence the node applied, as of its entry.</param>
/// <param name="LastSequence">The newest message in the stream now.</param>
public sealed record ShardLag(int Shard, string Stream, ulong Published, ulong Applied, ulong LastSequence)
{
    /// <summary>Messages in the stream the node has not applied.</summary>
    public ulong Lag => LastSequence > Applied ? LastSequence - Applied : 0;
}
