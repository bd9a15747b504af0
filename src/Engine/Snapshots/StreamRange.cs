namespace HarmonyLite.Engine.Snapshots;

/// <summary>What a shard stream holds now: messages <paramref name="FirstSequence"/> to <paramref name="LastSequence"/> (JetStream's stream state).</summary>
public sealed record StreamRange(string Stream, ulong FirstSequence, ulong LastSequence)
{
    /// <summary>
    /// Whether a node that applied up to <paramref name="position"/> can still catch up: the next message it needs is
    /// still in the stream (or not written yet).
    /// </summary>
    public bool CanResumeFrom(ulong position) => position + 1 >= FirstSequence;
}
