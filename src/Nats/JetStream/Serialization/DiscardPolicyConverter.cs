namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class DiscardPolicyConverter : JsonEnumConverter<DiscardPolicy>
{
    public DiscardPolicyConverter() : base(
        (DiscardPolicy.Old, "old"),
        (DiscardPolicy.New, "new"))
    {
    }
}
