namespace HarmonyLite.Nats.ObjectStore;

/// <summary>The SHA-256 of the content read differs from the digest in the object's metadata.</summary>
public sealed class ObjectStoreDigestMismatchException : ObjectStoreIntegrityException
{
    public ObjectStoreDigestMismatchException(string bucket, string name, string expectedDigest, string actualDigest)
        : base(bucket, name, $"Object '{name}' in bucket '{bucket}' is corrupt: its content hashes to {actualDigest}, its metadata says {expectedDigest}. Discard what was read and store the object again.")
    {
        ExpectedDigest = expectedDigest;
        ActualDigest = actualDigest;
    }

    public string ExpectedDigest { get; }
    public string ActualDigest { get; }
}
