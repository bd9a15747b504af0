namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// A stream dropped messages this node never applied, and no snapshot can bring it past the gap: the node cannot
/// become consistent on its own.
/// </summary>
public sealed class ReplicationLogTruncatedException : Exception
{
    public ReplicationLogTruncatedException(string databasePath, string stream, ulong position, ulong firstSequence, string message)
        : base(message)
    {
        DatabasePath = databasePath;
        Stream = stream;
        Position = position;
        FirstSequence = firstSequence;
    }

    public string DatabasePath { get; }

    /// <summary>The stream with the gap.</summary>
    public string Stream { get; }

    /// <summary>The last sequence of <see cref="Stream"/> this node applied (0: none).</summary>
    public ulong Position { get; }

    /// <summary>The first sequence the stream still holds.</summary>
    public ulong FirstSequence { get; }
}
