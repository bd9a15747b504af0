namespace HarmonyLite.Engine.Snapshots;

/// <summary>Where snapshots are kept: a NATS object store bucket or a directory.</summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>A short description for logs and errors, e.g. "directory /mnt/backups" or "object store bucket harmonylite-snapshots".</summary>
    string Description { get; }

    /// <summary>Stores a complete snapshot. Readers never see a partial one: it appears only once fully written.</summary>
    Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the complete snapshot in the file at <paramref name="path"/>, reporting bytes to <paramref name="progress"/>.
    /// A store may take the file (rename it into place) instead of copying it; the caller deletes whatever is left at
    /// the path. By default the file is read and handed to <see cref="PutAsync"/>. Returns how the store took it: a file
    /// renamed into place needs no reading back.
    /// </summary>
    async Task<SnapshotFilePlacement> PutFileAsync(SnapshotMetadata metadata, string path, IProgress<SnapshotTransfer>? progress,
        CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var content = TransferProgressStream.Observe(file, progress, metadata, SnapshotTransferDirection.Upload);
        await PutAsync(metadata, content, cancellationToken).ConfigureAwait(false);
        return SnapshotFilePlacement.Copied;
    }

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
