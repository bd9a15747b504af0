namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class AckPolicyConverter : JsonEnumConverter<AckPolicy>
{
    public AckPolicyConverter() : base(
        (AckPolicy.None, "none"),
        (AckPolicy.All, "all"),
        (AckPolicy.Explicit, "explicit"))
    {
    }
}
