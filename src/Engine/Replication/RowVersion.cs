namespace HarmonyLite.Engine.Replication;

/// <summary>
/// The version of one row change: a hybrid logical clock value (wall-clock milliseconds shifted
/// left by 16 bits, never below the row's previous version + 1) and the id of the node that wrote it.
/// Versions are totally ordered; the greater one wins on every node, whatever the arrival order.
/// </summary>
public readonly record struct RowVersion(long Hlc, long NodeId) : IComparable<RowVersion>
{
    /// <summary>Bits of the clock value below the milliseconds, left for the +1 steps of rapid writes.</summary>
    public const int LogicalBits = 16;

    /// <summary>
    /// How far ahead of a node's clock a version it applies may be. A version beyond it (a wrong clock, or a forged
    /// message) would pin its row: every later local write steps just past it. Such a message is quarantined instead.
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>The clock value of <paramref name="time"/>: its Unix milliseconds shifted into the high bits, as the triggers compute it.</summary>
    public static long ClockValueAt(DateTimeOffset time) => time.ToUnixTimeMilliseconds() << LogicalBits;

    public int CompareTo(RowVersion other)
    {
        var byClock = Hlc.CompareTo(other.Hlc);
        return byClock != 0 ? byClock : NodeId.CompareTo(other.NodeId);
    }

    public static bool operator >(RowVersion left, RowVersion right) => left.CompareTo(right) > 0;
    public static bool operator <(RowVersion left, RowVersion right) => left.CompareTo(right) < 0;
    public static bool operator >=(RowVersion left, RowVersion right) => left.CompareTo(right) >= 0;
    public static bool operator <=(RowVersion left, RowVersion right) => left.CompareTo(right) <= 0;

    /// <summary>The wall-clock time the version was written at (milliseconds part of <see cref="Hlc"/>).</summary>
    public DateTimeOffset WallClock => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(Hlc >> LogicalBits, 0, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));

    public override string ToString() => $"{Hlc}@{NodeId}";
}
