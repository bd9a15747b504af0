using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>When a stream removes messages: at its limits, when every consumer acked, or once one consumer acked (work queue).</summary>
[JsonConverter(typeof(RetentionPolicyConverter))]
public enum RetentionPolicy
{
    Limits,
    Interest,
    WorkQueue,
}
