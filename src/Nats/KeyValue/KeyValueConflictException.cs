namespace HarmonyLite.Nats.KeyValue;

/// <summary>A conditional write lost: the key exists (create) or its latest revision is not the expected one (update).</summary>
public sealed class KeyValueConflictException : NatsException
{
    public KeyValueConflictException(string bucket, string key, ulong expectedRevision, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Bucket = bucket;
        Key = key;
        ExpectedRevision = expectedRevision;
    }

    public string Bucket { get; }
    public string Key { get; }

    /// <summary>The revision the write expected to replace (0: expected no value).</summary>
    public ulong ExpectedRevision { get; }
}
