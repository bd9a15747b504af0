namespace HarmonyLite.Nats.JetStream.Serialization;

internal sealed class ReplayPolicyConverter : JsonEnumConverter<ReplayPolicy>
{
    public ReplayPolicyConverter() : base(
        (ReplayPolicy.Instant, "instant"),
        (ReplayPolicy.Original, "original"))
    {
    }
}
