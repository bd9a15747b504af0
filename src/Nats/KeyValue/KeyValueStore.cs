using System.Runtime.CompilerServices;
using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.KeyValue;

/// <summary>
/// A Key-Value bucket in the layout of the official NATS clients: stream <c>KV_&lt;bucket&gt;</c>, one subject
/// <c>$KV.&lt;bucket&gt;.&lt;key&gt;</c> per key, revisions are stream sequences, deletes and purges are marker
/// messages with a <c>KV-Operation</c> header. Obtain one with <see cref="KeyValueJetStreamExtensions"/>.
/// </summary>
public sealed class KeyValueStore
{
    private readonly string _subjectPrefix;

    internal KeyValueStore(JetStreamContext js, string bucket)
    {
        JetStream = js;
        Bucket = bucket;
        StreamName = KeyValueNames.StreamName(bucket);
        _subjectPrefix = KeyValueNames.SubjectPrefix(bucket);
    }

    public JetStreamContext JetStream { get; }

    public string Bucket { get; }

    /// <summary>The stream holding the bucket.</summary>
    public string StreamName { get; }

    /// <summary>Stores a value and returns its revision.</summary>
    public async Task<ulong> PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        var ack = await JetStream.PublishAsync(_subjectPrefix + key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ack.Sequence;
    }

    /// <summary>
    /// Stores a value only if the key has none (never written, deleted or purged). Throws
    /// <see cref="KeyValueConflictException"/> when it has one.
    /// </summary>
    public async Task<ulong> CreateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        try
        {
            return await WriteExpectingAsync(key, value, null, 0, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyValueConflictException conflict)
        {
            // A key whose latest revision is a delete or purge marker counts as absent.
            var latest = await GetLatestAsync(key, cancellationToken).ConfigureAwait(false);
            if (latest is null || latest.Operation == KeyValueOperation.Put)
                throw new KeyValueConflictException(Bucket, key, 0, $"The key '{key}' already exists in Key-Value bucket '{Bucket}'{(latest is null ? "" : $" (revision {latest.Revision})")}.", conflict);
            return await WriteExpectingAsync(key, value, null, latest.Revision, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores a value only if the key's latest revision is <paramref name="expectedRevision"/>. Throws
    /// <see cref="KeyValueConflictException"/> when someone else wrote in between.
    /// </summary>
    public Task<ulong> UpdateAsync(string key, ReadOnlyMemory<byte> value, ulong expectedRevision, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        return WriteExpectingAsync(key, value, null, expectedRevision, cancellationToken);
    }

    /// <summary>The key's latest value, or null when it has none (never written, deleted, purged or expired).</summary>
    public async Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        var latest = await GetLatestAsync(key, cancellationToken).ConfigureAwait(false);
        return latest is { Operation: KeyValueOperation.Put } ? latest : null;
    }

    /// <summary>The key's value at <paramref name="revision"/>, or null when that revision is not a value of this key (any more).</summary>
    public async Task<KeyValueEntry?> GetAsync(string key, ulong revision, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        StoredMessage message;
        try
        {
            message = await JetStream.GetMessageAsync(StreamName, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.NoMessageFound)
        {
            return null;
        }
        if (message.Subject != _subjectPrefix + key) return null;
        var entry = ToEntry(message.Subject, message.Data, message.Headers, message.Sequence, message.Time, 0);
        return entry.Operation == KeyValueOperation.Put ? entry : null;
    }

    /// <summary>Marks the key deleted (its history stays). With <paramref name="expectedRevision"/>, only if that is still the latest.</summary>
    public Task<ulong> DeleteAsync(string key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        var headers = new NatsHeaders { [KeyValueNames.OperationHeader] = KeyValueNames.DeleteOperation };
        return WriteExpectingAsync(key, ReadOnlyMemory<byte>.Empty, headers, expectedRevision, cancellationToken);
    }

    /// <summary>Marks the key deleted and drops its history. With <paramref name="expectedRevision"/>, only if that is still the latest.</summary>
    public Task<ulong> PurgeAsync(string key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        var headers = new NatsHeaders
        {
            [KeyValueNames.OperationHeader] = KeyValueNames.PurgeOperation,
            [JetStreamHeaders.Rollup] = JetStreamHeaders.RollupSubject,
        };
        return WriteExpectingAsync(key, ReadOnlyMemory<byte>.Empty, headers, expectedRevision, cancellationToken);
    }

    /// <summary>Every key that currently has a value.</summary>
    public async IAsyncEnumerable<string> KeysAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var consumer = new OrderedConsumer(JetStream, new OrderedConsumerOptions
        {
            Stream = StreamName,
            FilterSubject = _subjectPrefix + ">",
            DeliverPolicy = DeliverPolicy.LastPerSubject,
            HeadersOnly = true,
        });
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in consumer.ReadCurrentAsync(cancellationToken).ConfigureAwait(false))
        {
            if (OperationOf(message.Headers) == KeyValueOperation.Put)
                yield return message.Subject[_subjectPrefix.Length..];
        }
    }

    /// <summary>Every kept revision of a key, oldest first, delete and purge markers included.</summary>
    public async IAsyncEnumerable<KeyValueEntry> HistoryAsync(string key, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateKey(key);
        await using var consumer = new OrderedConsumer(JetStream, new OrderedConsumerOptions
        {
            Stream = StreamName,
            FilterSubject = _subjectPrefix + key,
            DeliverPolicy = DeliverPolicy.All,
        });
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in consumer.ReadCurrentAsync(cancellationToken).ConfigureAwait(false))
            yield return ToEntry(message);
    }

    /// <summary>
    /// The latest entry of every key matching <paramref name="keys"/> ('*' and '>' wildcards), then every
    /// change as it happens, until cancelled. Survives reconnects and server restarts (the underlying
    /// ordered consumer is recreated where it left off).
    /// </summary>
    public async IAsyncEnumerable<KeyValueEntry> WatchAsync(string keys = ">", KeyValueWatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidatePattern(keys);
        options ??= new KeyValueWatchOptions();
        if (options.IncludeHistory && options.UpdatesOnly)
            throw new ArgumentException("A watch takes IncludeHistory or UpdatesOnly, not both.", nameof(options));
        var policy = options.UpdatesOnly ? DeliverPolicy.New
            : options.IncludeHistory ? DeliverPolicy.All
            : DeliverPolicy.LastPerSubject;
        await using var consumer = new OrderedConsumer(JetStream, new OrderedConsumerOptions
        {
            Stream = StreamName,
            FilterSubject = _subjectPrefix + keys,
            DeliverPolicy = policy,
            HeadersOnly = options.MetaOnly,
        });
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        var initialDone = options.UpdatesOnly || consumer.InitialPending == 0;
        if (initialDone) options.OnInitialValuesDone?.Invoke();
        await foreach (var message in consumer.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = ToEntry(message);
            var lastInitial = !initialDone && entry.Delta == 0;
            if (!options.IgnoreDeletes || entry.Operation == KeyValueOperation.Put)
                yield return entry;
            if (lastInitial)
            {
                initialDone = true;
                options.OnInitialValuesDone?.Invoke();
            }
        }
    }

    /// <summary>The bucket's settings and size.</summary>
    public async Task<KeyValueStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var info = await JetStream.GetStreamInfoAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new KeyValueStatus(Bucket, info.State.Messages, (int)info.Config.MaxMessagesPerSubject, info.Config.MaxAge, info.State.Bytes, info.Config.Storage, info.Config.Replicas, info);
    }

    private async Task<KeyValueEntry?> GetLatestAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var message = await JetStream.GetLastMessageAsync(StreamName, _subjectPrefix + key, cancellationToken).ConfigureAwait(false);
            return ToEntry(message.Subject, message.Data, message.Headers, message.Sequence, message.Time, 0);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.NoMessageFound)
        {
            return null;
        }
    }

    private async Task<ulong> WriteExpectingAsync(string key, ReadOnlyMemory<byte> value, NatsHeaders? headers, ulong? expectedRevision, CancellationToken cancellationToken)
    {
        var options = expectedRevision is null ? null : new JetStreamPublishOptions { ExpectedLastSubjectSequence = expectedRevision };
        try
        {
            var ack = await JetStream.PublishAsync(_subjectPrefix + key, value, headers, options, cancellationToken).ConfigureAwait(false);
            return ack.Sequence;
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamWrongLastSequence)
        {
            throw new KeyValueConflictException(Bucket, key, expectedRevision ?? 0,
                $"The key '{key}' in Key-Value bucket '{Bucket}' is not at revision {expectedRevision}: it was changed meanwhile ({ex.Description}). Read it again and retry.", ex);
        }
    }

    private KeyValueEntry ToEntry(JetStreamMsg message)
    {
        var metadata = message.Metadata;
        return ToEntry(message.Subject, message.Data, message.Headers, metadata.StreamSequence, metadata.Timestamp, metadata.NumPending);
    }

    private KeyValueEntry ToEntry(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers, ulong revision, DateTimeOffset created, ulong delta) =>
        new(Bucket, subject[_subjectPrefix.Length..], data, revision, created, delta, OperationOf(headers));

    private static KeyValueOperation OperationOf(NatsHeaders? headers) => headers?[KeyValueNames.OperationHeader] switch
    {
        KeyValueNames.DeleteOperation => KeyValueOperation.Delete,
        KeyValueNames.PurgeOperation => KeyValueOperation.Purge,
        _ => KeyValueOperation.Put,
    };
}
