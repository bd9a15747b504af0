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
    public DateTimeOffset WallClock => DateTimeOffset.FromUnixTimeMilliseconds(Hlc >> LogicalBits);

    public override string ToString() => $"{Hlc}@{NodeId}";
}
