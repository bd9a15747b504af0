using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Observability;

/// <summary>One shard stream in the health report: how far this node applied it.</summary>
public sealed record ShardHealth(
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("applied_sequence")] ulong AppliedSequence,
    [property: JsonPropertyName("last_sequence")] ulong LastSequence,
    [property: JsonPropertyName("lag")] ulong Lag);
