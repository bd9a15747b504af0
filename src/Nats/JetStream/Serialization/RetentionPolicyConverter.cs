namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class RetentionPolicyConverter : JsonEnumConverter<RetentionPolicy>
{
    public RetentionPolicyConverter() : base(
        (RetentionPolicy.Limits, "limits"),
        (RetentionPolicy.Interest, "interest"),
        (RetentionPolicy.WorkQueue, "workqueue"))
    {
    }
}
