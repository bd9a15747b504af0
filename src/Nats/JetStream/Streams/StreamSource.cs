using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>Another stream this one mirrors or sources from.</summary>
public sealed record StreamSource
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("opt_start_seq")] public ulong? OptStartSequence { get; init; }
    [JsonPropertyName("opt_start_time")] public DateTimeOffset? OptStartTime { get; init; }
    [JsonPropertyName("filter_subject")] public string? FilterSubject { get; init; }
    [JsonPropertyName("external")] public ExternalStreamSource? External { get; init; }
}
