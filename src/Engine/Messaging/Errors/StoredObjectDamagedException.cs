namespace HarmonyLite.Engine.Messaging;

/// <summary>An object read from an object store bucket does not match its recorded digest or size.</summary>
public sealed class StoredObjectDamagedException : MessagingException
{
    public StoredObjectDamagedException(string bucket, string name, string message, Exception? inner = null)
        : base(MessagingErrorKind.Damaged, message, inner)
    {
        Bucket = bucket;
        Name = name;
    }

    public string Bucket { get; }
    public string Name { get; }
}
