using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>How a consumer's messages are acknowledged: not at all, cumulatively, or one by one.</summary>
[JsonConverter(typeof(AckPolicyConverter))]
public enum AckPolicy
{
    None,
    All,
    Explicit,
}
