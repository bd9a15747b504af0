namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// What a shard stream holds now: messages <paramref name="FirstSequence"/> to <paramref name="LastSequence"/>,
/// <paramref name="Messages"/> of them in <paramref name="Bytes"/> bytes. A stream that does not exist yet (no node
/// published on the shard) holds nothing: every figure is 0.
/// </summary>
public sealed record StreamRange(string Stream, ulong FirstSequence, ulong LastSequence, long Messages = 0, long Bytes = 0)
{
    /// <summary>The range of a stream nobody created yet.</summary>
    public static StreamRange Empty(string stream) => new(stream, 0, 0);

    /// <summary>
    /// Whether a node that applied up to <paramref name="position"/> can still catch up: the next message it needs is
    /// still in the stream (or not written yet).
    /// </summary>
    public bool CanResumeFrom(ulong position) => position + 1 >= FirstSequence;
}
