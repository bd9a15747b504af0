using System.Runtime.CompilerServices;
using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream.Models;
using NATS.Client.ObjectStore;
using NATS.Client.ObjectStore.Models;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// A JetStream object store bucket in the standard layout (stream <c>OBJ_&lt;bucket&gt;</c>, chunks and metadata on
/// <c>$O.&lt;bucket&gt;.C/M.…</c>), so any NATS client's object store API reads what is put here and the other way round.
/// Objects stream in and out in chunks; the SHA-256 digest is computed on the way in and checked on the way out.
/// </summary>
public sealed class ObjectBucket
{
    private readonly NatsObjStore _store;
    private readonly MessagingConnection _connection;

    private ObjectBucket(NatsObjStore store, MessagingConnection connection)
    {
        _store = store;
        _connection = connection;
    }

    public string Name => _store.Bucket;

    internal static async Task<ObjectBucket> OpenAsync(MessagingConnection connection, ObjectBucketSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var context = new NatsObjContext(connection.JetStream);
        var store = await ReplicatedBucket.CreateAsync(connection, settings.Replicas, $"object store bucket {settings.Name}", settings.ReplicasSetting, logger,
            async copies => (NatsObjStore)await context.CreateObjectStoreAsync(new NatsObjConfig(settings.Name)
            {
                Description = settings.Description,
                NumberOfReplicas = copies,
                Storage = NatsObjStorageType.File,
            }, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new ObjectBucket(store, connection);
    }

    /// <summary>
    /// Stores <paramref name="content"/> (read to its end, not closed) as <paramref name="name"/>, replacing any object
    /// of that name once the new one is complete. Returns what the store recorded (size, digest).
    /// </summary>
    public async Task<StoredObject> PutAsync(string name, string? description, IReadOnlyDictionary<string, string> metadata, Stream content, CancellationToken cancellationToken)
    {
        var meta = new ObjectMetadata
        {
            Name = name,
            Description = description,
            Metadata = new Dictionary<string, string>(metadata),
            Options = _connection.MaxPayload is long maxPayload ? new MetaDataOptions { MaxChunkSize = ChunkSize(maxPayload) } : null,
        };
        try
        {
            return Describe(await _store.PutAsync(meta, content, leaveOpen: true, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Storing {name} in object store bucket {Name}");
        }
    }

    /// <summary>
    /// Chunks as large as the server takes, less room for headers, up to 1 MiB, instead of NATS.Net's 128 KiB: each chunk
    /// is a publish the server acknowledges, and a 518 MB snapshot's store step took 3.5 s (median of 3) instead of 4.8 s.
    /// </summary>
    private static int ChunkSize(long maxPayload) => (int)Math.Min(maxPayload - ChunkHeaderRoom, 1024 * 1024);

    private const int ChunkHeaderRoom = 4 * 1024;

    /// <summary>Copies object <paramref name="name"/> into <paramref name="destination"/> (not closed), checking its digest; false when there is no such object.</summary>
    /// <exception cref="StoredObjectDamagedException">The bytes read do not match the recorded digest or chunk count.</exception>
    public async Task<bool> TryGetAsync(string name, Stream destination, CancellationToken cancellationToken)
    {
        try
        {
            await _store.GetAsync(name, destination, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsObjNotFoundException)
        {
            return false;
        }
        catch (NatsObjException ex) when (ex.Message.Contains("mismatch", StringComparison.OrdinalIgnoreCase))
        {
            throw _connection.Statistics.Failed(new StoredObjectDamagedException(Name, name, $"Object {name} of bucket {Name} is damaged: {ex.Message}.", ex));
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Reading {name} from object store bucket {Name}");
        }
    }

    /// <summary>What the store records about <paramref name="name"/>; null when there is no such object.</summary>
    public async Task<StoredObject?> GetInfoAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return Describe(await _store.GetInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (NatsObjNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Reading {name} of object store bucket {Name}");
        }
    }

    /// <summary>Every complete object in the bucket.</summary>
    public async IAsyncEnumerable<StoredObject> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var objects = _store.ListAsync(new NatsObjListOpts { OnNoData = HoldsNoObjectAsync }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ObjectMetadata meta;
                try
                {
                    if (!await objects.MoveNextAsync().ConfigureAwait(false)) yield break;
                    meta = objects.Current;
                }
                catch (NatsObjNotFoundException)
                {
                    yield break; // an empty bucket
                }
                catch (Exception ex) when (NatsErrors.IsNats(ex))
                {
                    throw _connection.Failure(ex, $"Listing object store bucket {Name}");
                }
                yield return Describe(meta);
            }
        }
        finally
        {
            await objects.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Listing waits for the bucket's metadata messages; a bucket without any would keep it waiting, so ask the stream.
    private async ValueTask<bool> HoldsNoObjectAsync(CancellationToken cancellationToken)
    {
        var request = new StreamInfoRequest { SubjectsFilter = $"$O.{Name}.M.>" };
        var stream = await _connection.JetStream.GetStreamAsync($"OBJ_{Name}", request, cancellationToken).ConfigureAwait(false);
        return stream.Info.State.Subjects is not { Count: > 0 };
    }

    /// <summary>Deletes object <paramref name="name"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // NATS.Net deletes a deleted object again without complaint: ask whether there is one first.
            await _store.GetInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            await _store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsObjNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Deleting {name} from object store bucket {Name}");
        }
    }

    private static StoredObject Describe(ObjectMetadata meta) =>
        new(meta.Name, meta.Description, (long)meta.Size, DigestHex(meta.Digest), meta.Metadata ?? new Dictionary<string, string>(), meta.Chunks);

    /// <summary>An object store digest ("SHA-256=" and base64url, padded or not) as lowercase hex; null when it is not one.</summary>
    internal static string? DigestHex(string? digest)
    {
        const string prefix = "SHA-256=";
        if (digest is null || !digest.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var text = digest[prefix.Length..].TrimEnd('=').Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var bytes = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, bytes, out var written) ? Convert.ToHexString(bytes.AsSpan(0, written)).ToLowerInvariant() : null;
    }
}
