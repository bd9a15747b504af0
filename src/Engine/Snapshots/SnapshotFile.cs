namespace HarmonyLite.Engine.Snapshots;

/// <summary>A snapshot written to a temporary file next to its database; disposing deletes the file.</summary>
public sealed class SnapshotFile : IAsyncDisposable
{
    internal SnapshotFile(string path, SnapshotMetadata metadata)
    {
        Path = path;
        Metadata = metadata;
    }

    public string Path { get; }

    public SnapshotMetadata Metadata { get; }

    /// <summary>How long the consistent copy took (<c>VACUUM INTO</c> and removing node-local state from it).</summary>
    public TimeSpan CopyTime { get; init; }

    /// <summary>How long hashing the copy took.</summary>
    public TimeSpan HashTime { get; init; }

    public ValueTask DisposeAsync()
    {
        TemporaryFiles.Delete(Path);
        return ValueTask.CompletedTask;
    }
}
