using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Observability;
using Xunit;

namespace HarmonyLite.Engine.Tests.Observability;

public sealed class StuckShardsTests
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ShardStatus Shard(ulong applied, ulong last) => new(1, "s-1", 1, last, applied);

    [Fact]
    public void A_shard_that_lags_without_moving_for_longer_than_the_limit_is_stuck()
    {
        var stuck = new StuckShards(After);

        Assert.Null(stuck.Check(Shard(10, 12), Start));
        Assert.Null(stuck.Check(Shard(10, 12), Start + After));
        Assert.Equal("applying s-1 is stuck at sequence 10 for 61 s while 2 message(s) wait",
            stuck.Check(Shard(10, 12), Start + After + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_shard_that_moves_is_not_stuck_however_long_it_lags()
    {
        var stuck = new StuckShards(After);

        Assert.Null(stuck.Check(Shard(10, 20), Start));
        Assert.Null(stuck.Check(Shard(11, 20), Start + After));
        Assert.Null(stuck.Check(Shard(11, 20), Start + After * 2 - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_shard_idle_for_long_is_not_stuck_when_a_message_arrives()
    {
        var stuck = new StuckShards(After);

        // Probed while idle for five minutes at the same sequence, then probed once a new message waits.
        for (var minute = 0; minute <= 5; minute++) Assert.Null(stuck.Check(Shard(10, 10), Start + TimeSpan.FromMinutes(minute)));
        Assert.Null(stuck.Check(Shard(10, 11), Start + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)));
        Assert.NotNull(stuck.Check(Shard(10, 11), Start + TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1)));
    }
}
