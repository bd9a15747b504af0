using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Messaging;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Node;

/// <summary>
/// Purges tombstones older than <c>tombstone_retention_seconds</c> now and then, but only while nothing already
/// published can still bring this node an older change: every shard applied up to the stream's last message and the
/// quarantine empty (a quarantined message is applied again later, and may hold such a change).
/// </summary>
internal sealed class TombstonePurgeLoop(
    TombstonePurger purger,
    TimeSpan retention,
    Func<CancellationToken, Task<bool>> caughtUp,
    ILogger logger)
{
    /// <summary>How often a purge is tried: a quarter of the retention, at least every hour, at most every second.</summary>
    public static TimeSpan IntervalFor(TimeSpan retention) =>
        TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));

    public async Task RunAsync(CancellationToken stopping)
    {
        var interval = IntervalFor(retention);
        while (true)
        {
            await Task.Delay(interval, stopping).ConfigureAwait(false);
            try
            {
                if (!await caughtUp(stopping).ConfigureAwait(false))
                {
                    logger.LogDebug("Tombstone purge waits: the node has not applied everything the streams hold, or its quarantine is not empty");
                    continue;
                }
                var purged = await purger.PurgeAsync(retention, stopping).ConfigureAwait(false);
                if (purged > 0) logger.LogInformation("Purged {Count} tombstones of rows deleted more than {Retention} ago", purged, retention);
            }
            catch (MessagingException ex)
            {
                // The streams' positions are unknown for now: no purge this time, the node goes on.
                logger.LogDebug("Tombstone purge skipped: {Error}", ex.Message);
            }
        }
    }
}
