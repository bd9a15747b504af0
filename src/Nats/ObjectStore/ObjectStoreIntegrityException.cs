namespace HarmonyLite.Nats.ObjectStore;

/// <summary>
/// What was read does not match the object's metadata (chunk count, size or digest). Whatever was already
/// written to the destination stream must be discarded.
/// </summary>
public class ObjectStoreIntegrityException : NatsException
{
    public ObjectStoreIntegrityException(string bucket, string name, string message)
        : base(message)
    {
        Bucket = bucket;
        Name = name;
    }

    public string Bucket { get; }
    public string Name { get; }
}
