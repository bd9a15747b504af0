using HarmonyLite.Engine.Messaging;
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

    private readonly ObjectBucket _objects;

    private NatsSnapshotStore(ObjectBucket objects) => _objects = objects;

    public string Bucket => _objects.Name;

    public string Description => $"object store bucket {Bucket}";

    /// <summary>The object name of a snapshot.</summary>
    public static string ObjectName(string id) => id + ObjectExtension;

    /// <summary>Creates the bucket when missing and opens it.</summary>
    public static async Task<NatsSnapshotStore> OpenAsync(MessagingConnection connection, string bucket, int replicas, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var objects = await connection.OpenObjectBucketAsync(new ObjectBucketSettings(bucket, "HarmonyLite snapshots", replicas, "snapshot.nats.replicas"), logger, cancellationToken).ConfigureAwait(false);
        return new NatsSnapshotStore(objects);
    }

    public async Task PutAsync(SnapshotMetadata metadata, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var name = ObjectName(metadata.Id);
        var stored = await _objects.PutAsync(name, $"HarmonyLite snapshot of node {metadata.NodeId} taken {metadata.CreatedAt.UtcDateTime:u}",
            new Dictionary<string, string> { [MetadataKey] = SnapshotJson.SerializeCompact(metadata) }, content, cancellationToken).ConfigureAwait(false);
        if (stored.Size != metadata.Size || !string.Equals(stored.Sha256, metadata.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            // The bytes sent are not the ones hashed (the file changed under us): never leave such an object listed.
            await _objects.DeleteAsync(name, CancellationToken.None).ConfigureAwait(false);
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} was uploaded to the {Description} as {stored.Size} bytes with SHA-256 {stored.Sha256}, but it was written as {metadata.Size} bytes with SHA-256 {metadata.Sha256}; the upload was removed. Save again.");
        }
    }

    public async Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<SnapshotMetadata>();
        await foreach (var stored in _objects.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!stored.Metadata.TryGetValue(MetadataKey, out var json)) continue;
            list.Add(SnapshotJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), $"object '{stored.Name}' of the {Description}"));
        }
        return list.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public async Task DownloadAsync(string id, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            if (!await _objects.TryGetAsync(ObjectName(id), destination, cancellationToken).ConfigureAwait(false))
                throw new SnapshotNotFoundException(id, Description);
        }
        catch (StoredObjectDamagedException ex)
        {
            throw new SnapshotIntegrityException($"Snapshot {id} in the {Description} is damaged: {ex.Message} Nothing was changed; use another snapshot or save a new one on a healthy node.");
        }
    }

    public async Task VerifyAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var stored = await _objects.GetInfoAsync(ObjectName(metadata.Id), cancellationToken).ConfigureAwait(false)
            ?? throw new SnapshotNotFoundException(metadata.Id, Description);
        // The server acknowledged every chunk before the metadata was stored; what it holds now is what was sent.
        new SnapshotDigest(stored.Size, stored.Sha256 ?? "(none)").Verify(metadata, $"in the {Description}");
    }

    /// <summary>Deleting is idempotent: a snapshot already gone is no error.</summary>
    public Task DeleteAsync(string id, CancellationToken cancellationToken) => _objects.DeleteAsync(ObjectName(id), cancellationToken);

    /// <summary>The connection belongs to whoever opened the store.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
