namespace HarmonyLite.Engine.Snapshots;

/// <summary>Where snapshots are kept: a NATS object store bucket or a directory.</summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>A short description for logs and errors, e.g. "directory /mnt/backups" or "object store bucket harmonylite-snapshots".</summary>
    string Description { get; }

    /// <summary>Stores a complete snapshot. Readers never see a partial one: it appears only once fully written.</summary>
    Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken);

    /// <summary>Every complete snapshot, newest first.</summary>
    Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Copies the snapshot's bytes into <paramref name="destination"/>; the caller verifies the digest.</summary>
    /// <exception cref="SnapshotNotFoundException">No snapshot with that id.</exception>
    Task DownloadAsync(string id, Stream destination, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that the stored snapshot is complete and is the one <paramref name="metadata"/> describes (size and
    /// SHA-256 as the store holds them). Throws <see cref="SnapshotIntegrityException"/> when not.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">No snapshot with that id.</exception>
    Task VerifyAsync(SnapshotMetadata metadata, CancellationToken cancellationToken);

    /// <summary>Deletes the snapshot; a missing one is not an error.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken);
}
