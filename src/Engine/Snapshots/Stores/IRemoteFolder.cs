namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>
/// A flat folder of files on a remote server: an S3 bucket under a key prefix, a WebDAV collection, an SFTP
/// directory. <see cref="RemoteSnapshotStore"/> keeps snapshots in one; each backend only moves bytes.
/// Failures a user can act on (the server cannot be reached, refuses the credentials, the folder cannot be
/// created) are <see cref="SnapshotStoreUnavailableException"/>s that name the configuration key to check.
/// </summary>
internal interface IRemoteFolder : IAsyncDisposable
{
    /// <summary>Where the folder is, for logs and errors, without credentials, e.g. "SFTP folder /backups on ops@host:22".</summary>
    string Description { get; }

    /// <summary>The files in the folder (not in sub-folders).</summary>
    Task<IReadOnlyList<RemoteFile>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="name"/>, read once from start to end, never held whole in
    /// memory. The file appears only once complete: a reader never sees part of it.
    /// </summary>
    /// <param name="size">The content's length when known (it picks transfer sizes), else null.</param>
    Task UploadAsync(string name, Stream content, long? size, CancellationToken cancellationToken);

    /// <summary>Copies the file into <paramref name="destination"/> as it arrives; false when there is no such file.</summary>
    Task<bool> DownloadAsync(string name, Stream destination, CancellationToken cancellationToken);

    /// <summary>Deletes the file; a missing one is not an error.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}
