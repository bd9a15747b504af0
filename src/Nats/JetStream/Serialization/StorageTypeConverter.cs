namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class StorageTypeConverter : JsonEnumConverter<StorageType>
{
    public StorageTypeConverter() : base(
        (StorageType.File, "file"),
        (StorageType.Memory, "memory"))
    {
    }
}
