using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// A change carries a version further ahead of this node's clock than <see cref="RowVersion.MaxClockSkew"/>: the writing
/// node's clock is wrong, or the message was forged. Applying it would pin the row to that version.
/// </summary>
public sealed class VersionAheadOfClockException : ChangeApplyException
{
    public VersionAheadOfClockException(string stream, ulong sequence, string table, RowVersion version, DateTimeOffset now)
        : base(stream, sequence, table,
            $"Cannot apply message {sequence} of stream '{stream}': a change to table '{table}' carries version {version} from node "
            + $"{unchecked((ulong)version.NodeId)}, stamped {version.WallClock:u}, more than {RowVersion.MaxClockSkew.TotalMinutes:0} minutes ahead of this "
            + $"node's clock ({now:u}). Check the clocks of both nodes (NTP); a message that was not written by a HarmonyLite node is forged. "
            + "It stays in quarantine and is applied again once it is within bounds.")
    {
        Version = version;
    }

    public RowVersion Version { get; }
}
