namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Snapshots in a directory (for instance a mounted share): <c>&lt;id&gt;.db</c> with its metadata in
/// <c>&lt;id&gt;.json</c>. Both are written under temporary names and renamed into place, the metadata
/// last, so a listing only ever shows complete snapshots.
/// </summary>
public sealed class FileSnapshotStore : ISnapshotStore
{
    private const string DataExtension = ".db";
    private const string MetadataExtension = ".json";
    private const string PartialExtension = ".partial";

    public FileSnapshotStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string Description => $"snapshot directory {Directory}";

    public async Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken)
    {
        await PutAsync(metadata, async (dataPartial, token) =>
        {
            await using var file = new FileStream(dataPartial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
            await content.CopyToAsync(file, 1 << 20, token).ConfigureAwait(false);
            await file.FlushAsync(token).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the file: on this directory's file system that is a rename, so a save writes the database's bytes once
    /// instead of twice, and says so (<see cref="SnapshotFilePlacement.Renamed"/>); across file systems it is copied.
    /// Either way it is fsynced before it is listed.
    /// </summary>
    public async Task<SnapshotFilePlacement> PutFileAsync(SnapshotMetadata metadata, string path, IProgress<SnapshotTransfer>? progress,
        CancellationToken cancellationToken)
    {
        var placement = SnapshotFilePlacement.Renamed;
        await PutAsync(metadata, (dataPartial, _) =>
        {
            if (!FileRename.TryOnOneFileSystem(path, dataPartial))
            {
                File.Move(path, dataPartial, overwrite: true); // copies, or says why the file cannot be moved
                placement = SnapshotFilePlacement.Copied;
            }
            using (var file = new FileStream(dataPartial, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) file.Flush(flushToDisk: true);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        progress?.Report(new SnapshotTransfer(metadata.Id, SnapshotTransferDirection.Upload, metadata.Size, metadata.Size));
        return placement;
    }

    /// <summary>Has <paramref name="writeData"/> write the data under a temporary name, then renames it and the metadata into place.</summary>
    private async Task PutAsync(SnapshotMetadata metadata, Func<string, CancellationToken, Task> writeData, CancellationToken cancellationToken)
    {
        ValidateId(metadata.Id);
        System.IO.Directory.CreateDirectory(Directory);
        var data = DataPath(metadata.Id);
        var dataPartial = data + PartialExtension;
        var meta = MetadataPath(metadata.Id);
        var metaPartial = meta + PartialExtension;
        try
        {
            await writeData(dataPartial, cancellationToken).ConfigureAwait(false);
            File.Move(dataPartial, data, overwrite: true);
            await File.WriteAllBytesAsync(metaPartial, SnapshotJson.Serialize(metadata), cancellationToken).ConfigureAwait(false);
            File.Move(metaPartial, meta, overwrite: true);
        }
        catch
        {
            TryDelete(dataPartial);
            TryDelete(metaPartial);
            throw;
        }
    }

    public async Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory)) return Array.Empty<SnapshotMetadata>();
        var list = new List<SnapshotMetadata>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + MetadataExtension))
        {
            byte[] json;
            try
            {
                json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted since the directory was read: another node's snapshot.keep at work
            }
            var metadata = SnapshotJson.Parse(json, path);
            if (File.Exists(DataPath(metadata.Id))) list.Add(metadata);
        }
        return list.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public async Task DownloadAsync(string id, Stream destination, CancellationToken cancellationToken)
    {
        ValidateId(id);
        var data = DataPath(id);
        if (!File.Exists(data) || !File.Exists(MetadataPath(id))) throw new SnapshotNotFoundException(id, Description);
        await using var file = new FileStream(data, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await file.CopyToAsync(destination, 1 << 20, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the stored file back: on a mounted share this is what proves the share kept every byte.</summary>
    public async Task VerifyAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        ValidateId(metadata.Id);
        var data = DataPath(metadata.Id);
        var meta = MetadataPath(metadata.Id);
        if (!File.Exists(data) || !File.Exists(meta)) throw new SnapshotNotFoundException(metadata.Id, Description);
        var stored = SnapshotJson.Parse(await File.ReadAllBytesAsync(meta, cancellationToken).ConfigureAwait(false), meta);
        if (stored.Size != metadata.Size || !string.Equals(stored.Sha256, metadata.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} in the {Description} has metadata for other content ({stored.Size} bytes, SHA-256 {stored.Sha256}) than was saved ({metadata.Size} bytes, SHA-256 {metadata.Sha256}); another writer replaced it. Save again.");
        (await SnapshotDigest.OfFileAsync(data, cancellationToken).ConfigureAwait(false)).Verify(metadata, $"in the {Description}");
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ValidateId(id);
        // Metadata first: a half-deleted snapshot is never listed.
        TryDelete(MetadataPath(id));
        TryDelete(DataPath(id));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string DataPath(string id) => Path.Combine(Directory, id + DataExtension);
    private string MetadataPath(string id) => Path.Combine(Directory, id + MetadataExtension);

    private static void ValidateId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"'{id}' is not a valid snapshot id.", nameof(id));
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
    }
}
