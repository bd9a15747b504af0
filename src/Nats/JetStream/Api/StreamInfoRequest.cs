using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record StreamInfoRequest
{
    [JsonPropertyName("deleted_details")] public bool DeletedDetails { get; init; }
    [JsonPropertyName("subjects_filter")] public string? SubjectsFilter { get; init; }
}
