namespace HarmonyLite.Engine.Snapshots;

/// <summary>The snapshot store cannot be reached (for the NATS store: no server to connect to).</summary>
public sealed class SnapshotStoreUnavailableException : Exception
{
    public SnapshotStoreUnavailableException(string message, Exception? innerException = null) : base(message, innerException) { }
}
