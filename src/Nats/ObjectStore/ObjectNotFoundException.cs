namespace HarmonyLite.Nats.ObjectStore;

/// <summary>The bucket holds no (undeleted) object of that name.</summary>
public sealed class ObjectNotFoundException : NatsException
{
    public ObjectNotFoundException(string bucket, string name)
        : base($"Object '{name}' was not found in Object Store bucket '{bucket}'.")
    {
        Bucket = bucket;
        Name = name;
    }

    public string Bucket { get; }
    public string Name { get; }
}
