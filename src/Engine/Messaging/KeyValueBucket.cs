using HarmonyLite.Engine.Messaging.Internal;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// A JetStream key-value bucket (the standard KV layout, readable by any NATS client) with compare-and-set writes:
/// create only when absent, update only at the revision read, delete only at the revision held. A write that lost the
/// race returns null or false; failures to reach JetStream throw.
/// </summary>
public sealed class KeyValueBucket
{
    private readonly NatsKVStore _store;
    private readonly MessagingConnection _connection;

    private KeyValueBucket(NatsKVStore store, MessagingConnection connection)
    {
        _store = store;
        _connection = connection;
    }

    public string Name => _store.Bucket;

    internal static async Task<KeyValueBucket> OpenAsync(MessagingConnection connection, KeyValueBucketSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var context = new NatsKVContext(connection.JetStream);
        var store = await ReplicatedBucket.CreateAsync(connection, settings.Replicas, $"key-value bucket {settings.Name}", settings.ReplicasSetting, logger,
            async copies => (NatsKVStore)await context.CreateOrUpdateStoreAsync(new NatsKVConfig(settings.Name)
            {
                Description = settings.Description,
                History = settings.History,
                MaxAge = settings.MaxAge,
                NumberOfReplicas = copies,
                Storage = NatsKVStorageType.File,
            }, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new KeyValueBucket(store, connection);
    }

    /// <summary>Writes <paramref name="key"/> if it has no value (never written, deleted or expired); returns the new revision, or null when it has one.</summary>
    public async Task<ulong?> TryCreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var result = await Call(() => _store.TryCreateAsync(key, value, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken), $"Creating {Name}/{key}").ConfigureAwait(false);
        return result.Success ? result.Value : Lost(result.Error, $"Creating {Name}/{key}");
    }

    /// <summary>Writes <paramref name="key"/> if its current revision is <paramref name="revision"/>; returns the new revision, or null when another write came first.</summary>
    public async Task<ulong?> TryUpdateAsync(string key, ReadOnlyMemory<byte> value, ulong revision, CancellationToken cancellationToken)
    {
        var result = await Call(() => _store.TryUpdateAsync(key, value, revision, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken), $"Updating {Name}/{key}").ConfigureAwait(false);
        return result.Success ? result.Value : Lost(result.Error, $"Updating {Name}/{key}");
    }

    /// <summary>Deletes <paramref name="key"/> if its current revision is <paramref name="revision"/>; false when another write came first.</summary>
    public async Task<bool> TryDeleteAsync(string key, ulong revision, CancellationToken cancellationToken)
    {
        var result = await Call(() => _store.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = revision }, cancellationToken), $"Deleting {Name}/{key}").ConfigureAwait(false);
        if (result.Success) return true;
        Lost(result.Error, $"Deleting {Name}/{key}");
        return false;
    }

    /// <summary>The current value of <paramref name="key"/>; null when it has none (never written, deleted or expired).</summary>
    public async Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await Call(() => _store.TryGetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken), $"Reading {Name}/{key}").ConfigureAwait(false);
        if (result.Success) return new KeyValueEntry(key, result.Value.Value ?? [], result.Value.Revision);
        return result.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException ? null : throw _connection.Failure(result.Error, $"Reading {Name}/{key}");
    }

    /// <summary>Writes <paramref name="key"/> whatever its current value; returns the new revision.</summary>
    public async Task<ulong> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        await Call(() => _store.PutAsync(key, value, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken), $"Writing {Name}/{key}").ConfigureAwait(false);

    /// <summary>Every key that has a value now, with its value; an empty bucket has none.</summary>
    /// <remarks>
    /// The keys come from the bucket stream's subjects (answered by the stream leader), not from a key watch: a watch
    /// creates a consumer, which in a cluster waits for the meta leader, for seconds after a server died.
    /// </remarks>
    public async Task<IReadOnlyList<KeyValueEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var prefix = $"$KV.{Name}.";
        IReadOnlyList<string> keys;
        try
        {
            var stream = await _connection.JetStream.GetStreamAsync($"KV_{Name}", new StreamInfoRequest { SubjectsFilter = prefix + ">" },
                cancellationToken).ConfigureAwait(false);
            keys = (stream.Info.State.Subjects?.Keys ?? []).Where(s => s.StartsWith(prefix, StringComparison.Ordinal))
                .Select(s => s[prefix.Length..]).ToList();
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, $"Listing the keys of {Name}");
        }
        var entries = new List<KeyValueEntry>();
        foreach (var key in keys)
        {
            // A key deleted or expired between the listing and the read is simply gone.
            if (await GetAsync(key, cancellationToken).ConfigureAwait(false) is { } entry) entries.Add(entry);
        }
        return entries;
    }

    private async Task<T> Call<T>(Func<ValueTask<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (NatsErrors.IsNats(ex))
        {
            throw _connection.Failure(ex, what);
        }
    }

    // A compare-and-set that lost (the key exists, or its revision moved on) is an answer, not a failure.
    private ulong? Lost(Exception error, string what) =>
        error is NatsKVCreateException or NatsKVWrongLastRevisionException or NatsKVKeyDeletedException or NatsKVKeyNotFoundException
            ? null
            : throw _connection.Failure(error, what);
}
