using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.KeyValue;

/// <summary>Creating, opening and deleting Key-Value buckets on a <see cref="JetStreamContext"/>.</summary>
public static class KeyValueJetStreamExtensions
{
    /// <summary>
    /// Creates a bucket, or updates the settings of an existing one, and returns it.
    /// </summary>
    public static async Task<KeyValueStore> CreateKeyValueAsync(this JetStreamContext js, KeyValueConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        KeyValueNames.ValidateBucket(config.Bucket);
        if (config.History is < 1 or > KeyValueNames.MaxHistory)
            throw new ArgumentOutOfRangeException(nameof(config), config.History, $"A Key-Value bucket keeps 1 to {KeyValueNames.MaxHistory} revisions per key.");
        if (config.MaxAge < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(config), config.MaxAge, "A Key-Value bucket's MaxAge must not be negative.");
        var duplicateWindow = config.MaxAge > TimeSpan.Zero && config.MaxAge < TimeSpan.FromMinutes(2) ? config.MaxAge : TimeSpan.FromMinutes(2);
        var stream = new StreamConfig(KeyValueNames.StreamName(config.Bucket))
        {
            Description = config.Description,
            Subjects = [KeyValueNames.SubjectPrefix(config.Bucket) + ">"],
            MaxMessagesPerSubject = config.History,
            MaxBytes = config.MaxBytes,
            MaxAge = config.MaxAge,
            MaxMessageSize = config.MaxValueSize,
            Storage = config.Storage,
            Replicas = config.Replicas,
            Placement = config.Placement,
            Metadata = config.Metadata,
            AllowRollupHeaders = true,
            DenyDelete = true,
            AllowDirect = true,
            Discard = DiscardPolicy.New,
            DuplicateWindow = duplicateWindow,
        };
        await js.CreateOrUpdateStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        return new KeyValueStore(js, config.Bucket);
    }

    /// <summary>Opens an existing bucket; a missing one throws <see cref="KeyValueBucketNotFoundException"/>.</summary>
    public static async Task<KeyValueStore> GetKeyValueAsync(this JetStreamContext js, string bucket, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateBucket(bucket);
        try
        {
            await js.GetStreamInfoAsync(KeyValueNames.StreamName(bucket), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            throw new KeyValueBucketNotFoundException(bucket, ex);
        }
        return new KeyValueStore(js, bucket);
    }

    /// <summary>Deletes a bucket with all its keys; false when the server did not delete it.</summary>
    public static async Task<bool> DeleteKeyValueAsync(this JetStreamContext js, string bucket, CancellationToken cancellationToken = default)
    {
        KeyValueNames.ValidateBucket(bucket);
        try
        {
            return await js.DeleteStreamAsync(KeyValueNames.StreamName(bucket), cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            throw new KeyValueBucketNotFoundException(bucket, ex);
        }
    }
}
