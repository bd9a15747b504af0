using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>How fast a consumer replays stored messages: at once, or at the pace they were stored.</summary>
[JsonConverter(typeof(ReplayPolicyConverter))]
public enum ReplayPolicy
{
    Instant,
    Original,
}
