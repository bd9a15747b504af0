namespace HarmonyLite.Engine.Common;

/// <summary>The last message this node published to, or applied from, one stream, and when.</summary>
/// <param name="Messages">How many it published to (or applied from) the stream since it started.</param>
public sealed record StreamMark(ulong Sequence, DateTimeOffset At, long Messages);
