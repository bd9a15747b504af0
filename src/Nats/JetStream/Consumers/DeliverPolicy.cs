using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Where in the stream a consumer starts.</summary>
[JsonConverter(typeof(DeliverPolicyConverter))]
public enum DeliverPolicy
{
    All,
    Last,
    New,
    ByStartSequence,
    ByStartTime,
    LastPerSubject,
}
