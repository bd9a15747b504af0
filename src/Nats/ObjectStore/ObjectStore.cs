using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Protocol;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>
/// An Object Store bucket in the layout of the official NATS clients: stream <c>OBJ_&lt;bucket&gt;</c>, an
/// object's content as chunk messages on <c>$O.&lt;bucket&gt;.C.&lt;nuid&gt;</c>, its metadata as JSON on
/// <c>$O.&lt;bucket&gt;.M.&lt;base64url(name)&gt;</c> (rolled up, so only the latest is kept). Content is
/// streamed both ways, never held whole in memory, and verified against its SHA-256 on read.
/// </summary>
public sealed class ObjectStore
{
    /// <summary>Bytes of chunks published and not yet acknowledged during a put.</summary>
    private const int PutBytesInFlight = 2 * 1024 * 1024;
    /// <summary>Bytes of chunks asked for at once during a get.</summary>
    private const int GetBytesInFlight = 4 * 1024 * 1024;

    private readonly Nuid _nuid = new();

    internal ObjectStore(JetStreamContext js, string bucket)
    {
        JetStream = js;
        Bucket = bucket;
        StreamName = ObjectStoreNames.StreamName(bucket);
    }

    public JetStreamContext JetStream { get; }

    public string Bucket { get; }

    /// <summary>The stream holding the bucket.</summary>
    public string StreamName { get; }

    /// <summary>Stores <paramref name="source"/> (read to its end) under <paramref name="name"/>, replacing any object of that name.</summary>
    public Task<ObjectInfo> PutAsync(string name, Stream source, CancellationToken cancellationToken = default) =>
        PutAsync(new ObjectMeta(name), source, cancellationToken);

    /// <summary>
    /// Stores <paramref name="source"/> (read to its end) with <paramref name="meta"/>. A previous object of
    /// the same name is replaced and its chunks purged once the new one is complete.
    /// </summary>
    public async Task<ObjectInfo> PutAsync(ObjectMeta meta, Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(source);
        ObjectStoreNames.ValidateName(meta.Name, nameof(meta));
        var chunkSize = meta.MaxChunkSize ?? ObjectStoreNames.DefaultChunkSize;
        var maxPayload = JetStream.Connection.ServerInfo?.MaxPayload ?? 0;
        if (chunkSize < 1 || maxPayload > 0 && chunkSize > maxPayload - 1024)
            throw new ArgumentOutOfRangeException(nameof(meta), chunkSize, $"MaxChunkSize must be between 1 and the server's max payload less 1 KiB ({maxPayload - 1024} bytes).");

        var previous = await TryGetInfoAsync(meta.Name, cancellationToken).ConfigureAwait(false);
        var nuid = _nuid.Next();
        var chunkSubject = ObjectStoreNames.ChunkSubject(Bucket, nuid);
        ulong size = 0;
        uint chunks = 0;
        byte[] digest;
        var inFlight = new Queue<(Task<PubAck> Ack, byte[] Buffer)>();
        var maxInFlight = Math.Max(1, PutBytesInFlight / chunkSize);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
                var read = await ReadFullyAsync(source, buffer.AsMemory(0, chunkSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                sha.AppendData(buffer, 0, read);
                size += (ulong)read;
                chunks++;
                // The buffer goes back to the pool only once the server acknowledged the chunk.
                inFlight.Enqueue((JetStream.PublishAsync(chunkSubject, buffer.AsMemory(0, read), cancellationToken: cancellationToken), buffer));
                while (inFlight.Count >= maxInFlight) await CompleteOldestAsync(inFlight).ConfigureAwait(false);
                if (read < chunkSize) break;
            }
            while (inFlight.Count > 0) await CompleteOldestAsync(inFlight).ConfigureAwait(false);
            digest = sha.GetHashAndReset();
        }
        catch
        {
            await AbandonAsync(inFlight).ConfigureAwait(false);
            await PurgeQuietlyAsync(chunkSubject, "chunks of an unfinished put").ConfigureAwait(false);
            throw;
        }

        var info = new ObjectInfo
        {
            Name = meta.Name,
            Description = meta.Description,
            Headers = meta.Headers,
            Metadata = meta.Metadata,
            Options = new ObjectMetaOptions { MaxChunkSize = chunkSize },
            Bucket = Bucket,
            Nuid = nuid,
            Size = size,
            ModifiedTime = DateTimeOffset.UtcNow,
            Chunks = chunks,
            Digest = ObjectStoreNames.Digest(digest),
        };
        try
        {
            await PublishMetaAsync(info, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await PurgeQuietlyAsync(chunkSubject, "chunks of a put whose metadata was not stored").ConfigureAwait(false);
            throw;
        }
        if (previous is not null && previous.Nuid != nuid)
            await PurgeQuietlyAsync(ObjectStoreNames.ChunkSubject(Bucket, previous.Nuid), $"chunks of the replaced version of '{meta.Name}'").ConfigureAwait(false);
        return info;
    }

    /// <summary>
    /// Writes the object's content to <paramref name="destination"/> and returns its metadata. The chunk
    /// count, size and SHA-256 digest are checked; a mismatch throws <see cref="ObjectStoreDigestMismatchException"/>
    /// or <see cref="ObjectStoreIntegrityException"/> after the content was written, and the destination must be discarded.
    /// </summary>
    public async Task<ObjectInfo> GetAsync(string name, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var info = await GetInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (info.Options?.Link is { } link)
            throw new NotSupportedException($"Object '{name}' in bucket '{Bucket}' is a link to '{link.Bucket}/{link.Name}'; links are not followed. Read the linked object instead.");
        var expected = ObjectStoreNames.ParseDigest(info.Digest)
            ?? throw new ObjectStoreIntegrityException(Bucket, name, $"Object '{name}' in bucket '{Bucket}' has no valid SHA-256 digest in its metadata ('{info.Digest}'), so its content cannot be verified.");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ulong size = 0;
        uint chunks = 0;
        if (info.Chunks > 0)
        {
            var chunkSize = Math.Max(1, info.Options?.MaxChunkSize ?? ObjectStoreNames.DefaultChunkSize);
            await using var consumer = new OrderedConsumer(JetStream, new OrderedConsumerOptions
            {
                Stream = StreamName,
                FilterSubject = ObjectStoreNames.ChunkSubject(Bucket, info.Nuid),
                DeliverPolicy = DeliverPolicy.All,
                MaxMessages = Math.Clamp(GetBytesInFlight / chunkSize, 1, 256),
            });
            await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
            if (consumer.InitialPending != info.Chunks)
                throw new ObjectStoreIntegrityException(Bucket, name, $"Object '{name}' in bucket '{Bucket}' should have {info.Chunks} chunks but the stream holds {consumer.InitialPending}; it is damaged or was replaced while being read.");
            await foreach (var chunk in consumer.ReadCurrentAsync(cancellationToken).ConfigureAwait(false))
            {
                sha.AppendData(chunk.Data.Span);
                size += (ulong)chunk.Data.Length;
                chunks++;
                await destination.WriteAsync(chunk.Data, cancellationToken).ConfigureAwait(false);
                if (chunks == info.Chunks) break;
            }
        }
        if (chunks != info.Chunks || size != info.Size)
            throw new ObjectStoreIntegrityException(Bucket, name, $"Object '{name}' in bucket '{Bucket}' read as {chunks} chunks and {size} bytes, its metadata says {info.Chunks} chunks and {info.Size} bytes.");
        var actual = sha.GetHashAndReset();
        if (!actual.AsSpan().SequenceEqual(expected))
            throw new ObjectStoreDigestMismatchException(Bucket, name, info.Digest!, ObjectStoreNames.Digest(actual));
        return info;
    }

    /// <summary>The object's metadata; a missing (or, unless <paramref name="includeDeleted"/>, deleted) object throws <see cref="ObjectNotFoundException"/>.</summary>
    public async Task<ObjectInfo> GetInfoAsync(string name, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var info = await TryGetInfoAsync(name, cancellationToken).ConfigureAwait(false);
        if (info is null || info.Deleted && !includeDeleted) throw new ObjectNotFoundException(Bucket, name);
        return info;
    }

    /// <summary>Every object's metadata (deleted ones only when asked for).</summary>
    public async IAsyncEnumerable<ObjectInfo> ListAsync(bool includeDeleted = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var consumer = new OrderedConsumer(JetStream, new OrderedConsumerOptions
        {
            Stream = StreamName,
            FilterSubject = ObjectStoreNames.MetaSubjects(Bucket),
            DeliverPolicy = DeliverPolicy.LastPerSubject,
        });
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in consumer.ReadCurrentAsync(cancellationToken).ConfigureAwait(false))
        {
            var info = ParseInfo(message.Data, message.Subject);
            if (!info.Deleted || includeDeleted) yield return info;
        }
    }

    /// <summary>Deletes an object: its metadata becomes a deletion marker and its chunks are purged.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var info = await GetInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var marker = info with { Deleted = true, Size = 0, Chunks = 0, Digest = null, ModifiedTime = DateTimeOffset.UtcNow };
        await PublishMetaAsync(marker, cancellationToken).ConfigureAwait(false);
        await JetStream.PurgeStreamAsync(StreamName, new StreamPurgeOptions { Subject = ObjectStoreNames.ChunkSubject(Bucket, info.Nuid) }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes an object's name, description, headers and metadata map (content untouched). Renaming onto
    /// an existing object is refused.
    /// </summary>
    public async Task<ObjectInfo> UpdateMetaAsync(string name, ObjectMeta meta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ObjectStoreNames.ValidateName(meta.Name, nameof(meta));
        var info = await GetInfoAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var renamed = meta.Name != name;
        if (renamed && await TryGetInfoAsync(meta.Name, cancellationToken).ConfigureAwait(false) is { Deleted: false })
            throw new InvalidOperationException($"Object '{name}' cannot be renamed to '{meta.Name}': an object of that name exists in bucket '{Bucket}'. Delete it first.");
        var updated = info with { Name = meta.Name, Description = meta.Description, Headers = meta.Headers, Metadata = meta.Metadata, ModifiedTime = DateTimeOffset.UtcNow };
        await PublishMetaAsync(updated, cancellationToken).ConfigureAwait(false);
        if (renamed)
            await JetStream.PurgeStreamAsync(StreamName, new StreamPurgeOptions { Subject = ObjectStoreNames.MetaSubject(Bucket, name) }, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>The bucket's settings and size.</summary>
    public async Task<ObjectStoreStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var info = await JetStream.GetStreamInfoAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ObjectStoreStatus(Bucket, info.Config.Description, info.Config.MaxAge, info.Config.Storage, info.Config.Replicas, info.State.Bytes, info.Config.Sealed, info);
    }

    private async Task<ObjectInfo?> TryGetInfoAsync(string name, CancellationToken cancellationToken)
    {
        ObjectStoreNames.ValidateName(name);
        var subject = ObjectStoreNames.MetaSubject(Bucket, name);
        try
        {
            var message = await JetStream.GetLastMessageAsync(StreamName, subject, cancellationToken).ConfigureAwait(false);
            return ParseInfo(message.Data, subject);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.NoMessageFound)
        {
            return null;
        }
    }

    private async Task PublishMetaAsync(ObjectInfo info, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders { [JetStreamHeaders.Rollup] = JetStreamHeaders.RollupSubject };
        var json = JsonSerializer.SerializeToUtf8Bytes(info, ObjectStoreJsonContext.Default.ObjectInfo);
        await JetStream.PublishAsync(ObjectStoreNames.MetaSubject(Bucket, info.Name), json, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private ObjectInfo ParseInfo(ReadOnlyMemory<byte> json, string subject)
    {
        try
        {
            return JsonSerializer.Deserialize(json.Span, ObjectStoreJsonContext.Default.ObjectInfo)
                ?? throw new NatsProtocolException($"The object metadata on '{subject}' in bucket '{Bucket}' is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"The object metadata on '{subject}' in bucket '{Bucket}' is not valid object metadata JSON: {ex.Message}");
        }
    }

    private static async Task CompleteOldestAsync(Queue<(Task<PubAck> Ack, byte[] Buffer)> inFlight)
    {
        var (ack, buffer) = inFlight.Dequeue();
        try
        {
            await ack.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AbandonAsync(Queue<(Task<PubAck> Ack, byte[] Buffer)> inFlight)
    {
        while (inFlight.Count > 0)
        {
            try
            {
                await CompleteOldestAsync(inFlight).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The put already failed; later chunk failures add nothing.
            }
        }
    }

    private async Task PurgeQuietlyAsync(string subject, string what)
    {
        using var timeout = new CancellationTokenSource(JetStream.RequestTimeout);
        try
        {
            await JetStream.PurgeStreamAsync(StreamName, new StreamPurgeOptions { Subject = subject }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            JetStream.Logger.LogWarning("Could not purge the {What} in bucket {Bucket} ({Subject}): {Error}. They stay in the stream until purged.", what, Bucket, subject, ex.Message);
        }
    }

    private static async Task<int> ReadFullyAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            total += read;
        }
        return total;
    }
}
