using HarmonyLite.Nats.JetStream;

namespace HarmonyLite.Nats.ObjectStore;

/// <summary>Creating, opening and deleting Object Store buckets on a <see cref="JetStreamContext"/>.</summary>
public static class ObjectStoreJetStreamExtensions
{
    /// <summary>Creates a bucket, or updates the settings of an existing one, and returns it.</summary>
    public static async Task<ObjectStore> CreateObjectStoreAsync(this JetStreamContext js, ObjectStoreConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ObjectStoreNames.ValidateBucket(config.Bucket);
        if (config.MaxAge < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(config), config.MaxAge, "An Object Store bucket's MaxAge must not be negative.");
        var stream = new StreamConfig(ObjectStoreNames.StreamName(config.Bucket))
        {
            Description = config.Description,
            Subjects = [ObjectStoreNames.ChunkSubjects(config.Bucket), ObjectStoreNames.MetaSubjects(config.Bucket)],
            MaxAge = config.MaxAge,
            MaxBytes = config.MaxBytes,
            Storage = config.Storage,
            Replicas = config.Replicas,
            Placement = config.Placement,
            Metadata = config.Metadata,
            Discard = DiscardPolicy.New,
            AllowRollupHeaders = true,
            AllowDirect = true,
        };
        await js.CreateOrUpdateStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        return new ObjectStore(js, config.Bucket);
    }

    /// <summary>Opens an existing bucket; a missing one throws <see cref="ObjectStoreBucketNotFoundException"/>.</summary>
    public static async Task<ObjectStore> GetObjectStoreAsync(this JetStreamContext js, string bucket, CancellationToken cancellationToken = default)
    {
        ObjectStoreNames.ValidateBucket(bucket);
        try
        {
            await js.GetStreamInfoAsync(ObjectStoreNames.StreamName(bucket), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            throw new ObjectStoreBucketNotFoundException(bucket, ex);
        }
        return new ObjectStore(js, bucket);
    }

    /// <summary>Deletes a bucket with all its objects; false when the server did not delete it.</summary>
    public static async Task<bool> DeleteObjectStoreAsync(this JetStreamContext js, string bucket, CancellationToken cancellationToken = default)
    {
        ObjectStoreNames.ValidateBucket(bucket);
        try
        {
            return await js.DeleteStreamAsync(ObjectStoreNames.StreamName(bucket), cancellationToken).ConfigureAwait(false);
        }
        catch (JetStreamApiException ex) when (ex.ErrorCode == JetStreamErrorCode.StreamNotFound)
        {
            throw new ObjectStoreBucketNotFoundException(bucket, ex);
        }
    }
}
