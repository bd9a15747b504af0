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

    public ValueTask DisposeAsync()
    {
        TemporaryFiles.Delete(Path);
        return ValueTask.CompletedTask;
    }
}
