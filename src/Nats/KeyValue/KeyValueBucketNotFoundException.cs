namespace HarmonyLite.Nats.KeyValue;

/// <summary>No Key-Value bucket of that name: its stream <c>KV_&lt;bucket&gt;</c> does not exist.</summary>
public sealed class KeyValueBucketNotFoundException : NatsException
{
    public KeyValueBucketNotFoundException(string bucket, Exception innerException)
        : base($"The Key-Value bucket '{bucket}' does not exist (no stream KV_{bucket}). Create it first (CreateKeyValueAsync).", innerException) =>
        Bucket = bucket;

    public string Bucket { get; }
}
