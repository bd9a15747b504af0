using System.Collections.Concurrent;
using HarmonyLite.Engine.Node;

namespace HarmonyLite.Engine.Observability;

/// <summary>
/// Which shards are stuck, judged at each health check: a shard is stuck once it has lagged without its applied
/// sequence moving for <see cref="After"/>. The clock starts at the last check that saw it move or caught up, so a
/// shard that sat idle (same sequence, nothing to apply) is not stuck the moment a new message arrives.
/// </summary>
internal sealed class StuckShards
{
    private readonly ConcurrentDictionary<string, (ulong Applied, DateTimeOffset Since)> _progress = new(StringComparer.Ordinal);

    public StuckShards(TimeSpan after) => After = after;

    public TimeSpan After { get; }

    /// <summary>The problem to report for <paramref name="shard"/> as seen at <paramref name="now"/>; null when it is not stuck.</summary>
    public string? Check(ShardStatus shard, DateTimeOffset now)
    {
        var progress = _progress.AddOrUpdate(shard.Stream, _ => (shard.AppliedSequence, now),
            (_, last) => last.Applied == shard.AppliedSequence && shard.Lag > 0 ? last : (shard.AppliedSequence, now));
        var still = now - progress.Since;
        return shard.Lag > 0 && still > After
            ? $"applying {shard.Stream} is stuck at sequence {shard.AppliedSequence} for {still.TotalSeconds:0} s "
              + $"while {shard.Lag} message(s) wait"
            : null;
    }
}
