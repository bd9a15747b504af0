using System.Text.Json.Serialization;
using HarmonyLite.Nats.JetStream.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>What a stream does at its limits: drop the oldest messages, or refuse new ones.</summary>
[JsonConverter(typeof(DiscardPolicyConverter))]
public enum DiscardPolicy
{
    Old,
    New,
}
