namespace HarmonyLite.Nats.ObjectStore;

/// <summary>No Object Store bucket of that name: its stream <c>OBJ_&lt;bucket&gt;</c> does not exist.</summary>
public sealed class ObjectStoreBucketNotFoundException : NatsException
{
    public ObjectStoreBucketNotFoundException(string bucket, Exception innerException)
        : base($"The Object Store bucket '{bucket}' does not exist (no stream OBJ_{bucket}). Create it first (CreateObjectStoreAsync).", innerException) =>
        Bucket = bucket;

    public string Bucket { get; }
}
