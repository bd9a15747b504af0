using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>When the lease holder saves a snapshot.</summary>
public sealed record SnapshotScheduleOptions
{
    /// <summary>Save when the newest snapshot is this old; zero disables timed snapshots (<c>snapshot.interval</c>).</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>
    /// Save when a shard stream took this many messages since the last snapshot; zero disables it. As the Go original:
    /// <c>replication_log.max_entries / replication_log.shards</c>, so a snapshot exists before a stream drops messages.
    /// </summary>
    public ulong EntriesPerSnapshot { get; init; }

    /// <summary>How often the triggers are checked and, while another node holds the lease, taking it over is tried.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    public static SnapshotScheduleOptions From(HarmonyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SnapshotScheduleOptions
        {
            Interval = config.Snapshot.Interval,
            EntriesPerSnapshot = (ulong)Math.Max(1, config.ReplicationLog.MaxEntries / Math.Max(1, config.ReplicationLog.Shards)),
            // Often enough to take over a released lease well within its TTL, rarely enough to cost nothing.
            CheckInterval = TimeSpan.FromTicks(Math.Clamp(config.Snapshot.LeaderTtl.Ticks / 6, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks)),
        };
    }
}
