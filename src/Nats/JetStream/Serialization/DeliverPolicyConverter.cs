namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class DeliverPolicyConverter : JsonEnumConverter<DeliverPolicy>
{
    public DeliverPolicyConverter() : base(
        (DeliverPolicy.All, "all"),
        (DeliverPolicy.Last, "last"),
        (DeliverPolicy.New, "new"),
        (DeliverPolicy.ByStartSequence, "by_start_sequence"),
        (DeliverPolicy.ByStartTime, "by_start_time"),
        (DeliverPolicy.LastPerSubject, "last_per_subject"))
    {
    }
}
