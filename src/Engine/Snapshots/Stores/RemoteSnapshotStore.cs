using System.Globalization;
using System.Text.RegularExpressions;

namespace HarmonyLite.Engine.Snapshots.Stores;

/// <summary>
/// Snapshots in an <see cref="IRemoteFolder"/>, laid out as the file store lays out a directory: <c>&lt;id&gt;.db</c>
/// holds the snapshot and <c>&lt;id&gt;.json</c> its <see cref="SnapshotMetadata"/>. Each file appears whole, the
/// metadata is stored after the data and deleted before it, so a listing only ever shows complete snapshots. Other
/// files in the folder are left alone.
/// </summary>
internal sealed partial class RemoteSnapshotStore : ISnapshotStore
{
    private const string DataExtension = ".db";
    private const string MetadataExtension = ".json";

    /// <summary>
    /// Leftovers of a save that never finished (a temporary file, data without metadata) are deleted once they are
    /// this much older than a new snapshot: no upload still running can own them.
    /// </summary>
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(24);

    private readonly IRemoteFolder _folder;

    public RemoteSnapshotStore(IRemoteFolder folder) => _folder = folder;

    public string Description => _folder.Description;

    /// <summary>The folder the snapshots are in.</summary>
    internal IRemoteFolder Folder => _folder;

    /// <summary>
    /// Uploads the data, hashing it on the way: bytes other than the ones <paramref name="metadata"/> describes (the file
    /// changed under us) are removed again and refused. Then the metadata, which makes the snapshot listed.
    /// </summary>
    public async Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ValidateId(metadata.Id);
        var data = metadata.Id + DataExtension;
        SnapshotDigest sent;
        await using (var hashing = new HashingReadStream(content))
        {
            await _folder.UploadAsync(data, hashing, metadata.Size, cancellationToken).ConfigureAwait(false);
            sent = hashing.Digest();
        }
        if (sent != new SnapshotDigest(metadata.Size, metadata.Sha256))
        {
            await _folder.DeleteAsync(data, CancellationToken.None).ConfigureAwait(false);
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} was uploaded to the {Description} as {sent.Size} bytes with SHA-256 {sent.Sha256}, but it was written as {metadata.Size} bytes with SHA-256 {metadata.Sha256}; the upload was removed. Save again.");
        }
        var json = SnapshotJson.Serialize(metadata);
        await _folder.UploadAsync(metadata.Id + MetadataExtension, new MemoryStream(json), json.Length, cancellationToken).ConfigureAwait(false);
        await DeleteLeftoversAsync(metadata.CreatedAt - LeftoverAge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken)
    {
        var files = await ReadFolderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<SnapshotMetadata>();
        foreach (var id in files.CompleteIds)
        {
            if (await ReadMetadataAsync(id, cancellationToken).ConfigureAwait(false) is { } metadata) list.Add(metadata);
        }
        return list.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public async Task DownloadAsync(string id, Stream destination, CancellationToken cancellationToken)
    {
        ValidateId(id);
        if (!await _folder.DownloadAsync(id + DataExtension, destination, cancellationToken).ConfigureAwait(false))
            throw new SnapshotNotFoundException(id, Description);
    }

    /// <summary>
    /// Checks the server's size of the data and the stored metadata against what was saved. The bytes themselves were
    /// hashed as they were sent (<see cref="PutAsync"/>), and each protocol guards them in transit (S3 signs every
    /// part's SHA-256, SSH has its MAC, HTTPS its own); a restore hashes them again as it downloads them.
    /// </summary>
    public async Task VerifyAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ValidateId(metadata.Id);
        var files = await ReadFolderAsync(cancellationToken).ConfigureAwait(false);
        if (!files.CompleteIds.Contains(metadata.Id)) throw new SnapshotNotFoundException(metadata.Id, Description);
        var stored = await ReadMetadataAsync(metadata.Id, cancellationToken).ConfigureAwait(false) ?? throw new SnapshotNotFoundException(metadata.Id, Description);
        if (stored.Size != metadata.Size || !string.Equals(stored.Sha256, metadata.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} in the {Description} has metadata for other content ({stored.Size} bytes, SHA-256 {stored.Sha256}) than was saved ({metadata.Size} bytes, SHA-256 {metadata.Sha256}); another writer replaced it. Save again.");
        var size = files.Sizes[metadata.Id + DataExtension];
        if (size != metadata.Size)
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} in the {Description} is {size} bytes, its metadata says {metadata.Size}: the server did not keep every byte. Save again.");
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ValidateId(id);
        // Metadata first: a half-deleted snapshot is never listed.
        await _folder.DeleteAsync(id + MetadataExtension, cancellationToken).ConfigureAwait(false);
        await _folder.DeleteAsync(id + DataExtension, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _folder.DisposeAsync();

    /// <summary>The metadata of a complete snapshot; null when it was deleted since the folder was listed.</summary>
    private async Task<SnapshotMetadata?> ReadMetadataAsync(string id, CancellationToken cancellationToken)
    {
        using var json = new MemoryStream();
        var name = id + MetadataExtension;
        if (!await _folder.DownloadAsync(name, json, cancellationToken).ConfigureAwait(false)) return null;
        return SnapshotJson.Parse(json.GetBuffer().AsSpan(0, (int)json.Length), $"{name} of the {Description}");
    }

    private async Task DeleteLeftoversAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var files = await ReadFolderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, id) in files.Ours)
        {
            if (files.CompleteIds.Contains(id) && (name == id + DataExtension || name == id + MetadataExtension)) continue;
            if (CreatedAt(id) >= olderThan) continue;
            await _folder.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FolderContents> ReadFolderAsync(CancellationToken cancellationToken)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var ours = new List<(string Name, string Id)>();
        foreach (var file in await _folder.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var match = SnapshotFileName().Match(file.Name);
            if (!match.Success) continue;
            sizes[file.Name] = file.Size;
            ours.Add((file.Name, match.Groups["id"].Value));
        }
        var complete = ours.Select(o => o.Id).Where(id => sizes.ContainsKey(id + DataExtension) && sizes.ContainsKey(id + MetadataExtension)).ToHashSet(StringComparer.Ordinal);
        return new FolderContents(sizes, ours, complete);
    }

    private static DateTimeOffset CreatedAt(string id) =>
        DateTimeOffset.ParseExact(id[..id.IndexOf('-', StringComparison.Ordinal)], "yyyyMMdd'T'HHmmss'.'fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static void ValidateId(string id)
    {
        if (!SnapshotId().IsMatch(id)) throw new ArgumentException($"'{id}' is not a valid snapshot id.", nameof(id));
    }

    /// <param name="Sizes">Size of every file of ours by name.</param>
    /// <param name="Ours">Every file named after a snapshot id, with that id.</param>
    /// <param name="CompleteIds">The ids with both their data and their metadata.</param>
    private sealed record FolderContents(IReadOnlyDictionary<string, long> Sizes, IReadOnlyList<(string Name, string Id)> Ours, IReadOnlySet<string> CompleteIds);

    /// <summary>A name <see cref="SnapshotMetadata.NewId"/> makes.</summary>
    [GeneratedRegex(@"^\d{8}T\d{6}\.\d{3}Z-\d+$")]
    private static partial Regex SnapshotId();

    /// <summary>A file of a snapshot: its data, its metadata, or a temporary file of theirs.</summary>
    [GeneratedRegex(@"^(?<id>\d{8}T\d{6}\.\d{3}Z-\d+)\..+$")]
    private static partial Regex SnapshotFileName();
}
