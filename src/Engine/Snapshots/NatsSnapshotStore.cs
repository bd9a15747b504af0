using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.ObjectStore;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Snapshots in a JetStream Object Store bucket, in the standard layout (any NATS client's object store API reads
/// them). Object <c>&lt;id&gt;.db</c> holds the snapshot; its <see cref="SnapshotMetadata"/> is kept as JSON in the
/// object's metadata map under <see cref="MetadataKey"/>, so listing needs no download. Other objects in the bucket
/// are left alone. An object appears only once its last chunk and its metadata are stored.
/// </summary>
public sealed class NatsSnapshotStore : ISnapshotStore
{
    /// <summary>The key of the object metadata entry that marks an object as a HarmonyLite snapshot and describes it.</summary>
    public const string MetadataKey = "harmonylite-snapshot";

    private const string ObjectExtension = ".db";

    private readonly ObjectStore _objects;

    private NatsSnapshotStore(ObjectStore objects) => _objects = objects;

    public string Bucket => _objects.Bucket;

    public string Description => $"object store bucket {Bucket}";

    /// <summary>The object name of a snapshot.</summary>
    public static string ObjectName(string id) => id + ObjectExtension;

    /// <summary>Creates the bucket when missing (or updates its settings) and opens it.</summary>
    public static async Task<NatsSnapshotStore> OpenAsync(JetStreamContext jetStream, string bucket, int replicas, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jetStream);
        var objects = await ReplicatedBucket.CreateAsync(replicas, $"snapshot object store bucket {bucket}", "snapshot.nats.replicas", logger,
            copies => jetStream.CreateObjectStoreAsync(new ObjectStoreConfig(bucket) { Description = "HarmonyLite snapshots", Replicas = copies }, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new NatsSnapshotStore(objects);
    }

    public async Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var meta = new ObjectMeta(ObjectName(metadata.Id))
        {
            Description = $"HarmonyLite snapshot of node {metadata.NodeId} taken {metadata.CreatedAt.UtcDateTime:u}",
            Metadata = new Dictionary<string, string> { [MetadataKey] = SnapshotJson.SerializeCompact(metadata) },
        };
        var info = await _objects.PutAsync(meta, content, cancellationToken).ConfigureAwait(false);
        if ((long)info.Size != metadata.Size || !string.Equals(DigestHex(info.Digest), metadata.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            // The bytes sent are not the ones hashed (the file changed under us): never leave such an object listed.
            await _objects.DeleteAsync(meta.Name, CancellationToken.None).ConfigureAwait(false);
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} was uploaded to the {Description} as {info.Size} bytes with digest {info.Digest}, but it was written as {metadata.Size} bytes with SHA-256 {metadata.Sha256}; the upload was removed. Save again.");
        }
    }

    public async Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<SnapshotMetadata>();
        await foreach (var info in _objects.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (info.Metadata?.TryGetValue(MetadataKey, out var json) != true) continue;
            list.Add(SnapshotJson.Parse(System.Text.Encoding.UTF8.GetBytes(json!), $"object '{info.Name}' of the {Description}"));
        }
        return list.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public async Task DownloadAsync(string id, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.GetAsync(ObjectName(id), destination, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new SnapshotNotFoundException(id, Description);
        }
        catch (ObjectStoreIntegrityException ex)
        {
            throw new SnapshotIntegrityException($"Snapshot {id} in the {Description} is damaged: {ex.Message} Nothing was changed; use another snapshot or save a new one on a healthy node.");
        }
    }

    public async Task VerifyAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ObjectInfo info;
        try
        {
            info = await _objects.GetInfoAsync(ObjectName(metadata.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new SnapshotNotFoundException(metadata.Id, Description);
        }
        // The server acknowledged every chunk before the metadata was stored; what it holds now is what was sent.
        new SnapshotDigest((long)info.Size, DigestHex(info.Digest) ?? "(none)").Verify(metadata, $"in the {Description}");
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _objects.DeleteAsync(ObjectName(id), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Already gone: deleting is idempotent.
        }
    }

    /// <summary>The connection belongs to whoever opened the store.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>An object store digest ("SHA-256=" and base64url, padded or not) as lowercase hex; null when it is not one.</summary>
    internal static string? DigestHex(string? digest)
    {
        const string prefix = "SHA-256=";
        if (digest is null || !digest.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var text = digest[prefix.Length..].TrimEnd('=').Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var bytes = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, bytes, out var written) ? SnapshotDigest.Hex(bytes.AsSpan(0, written)) : null;
    }
}
