namespace HarmonyLite.Engine.Node;

/// <summary>How far this node has applied one shard stream.</summary>
/// <param name="FirstSequence">The oldest message the stream still holds.</param>
/// <param name="LastSequence">The newest message in the stream.</param>
/// <param name="AppliedSequence">The last message applied (or skipped as own) on this node.</param>
/// <param name="Messages">Messages the stream holds now.</param>
/// <param name="Bytes">The bytes they take in the stream.</param>
public sealed record ShardStatus(int Shard, string Stream, ulong FirstSequence, ulong LastSequence, ulong AppliedSequence,
    long Messages = 0, long Bytes = 0)
{
    /// <summary>Messages in the stream this node has not applied yet.</summary>
    public ulong Lag => LastSequence > AppliedSequence ? LastSequence - AppliedSequence : 0;
}
