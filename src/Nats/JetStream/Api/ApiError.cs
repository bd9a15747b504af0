using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>The <c>error</c> object of a failed JetStream API call or publish.</summary>
internal sealed record ApiError
{
    [JsonPropertyName("code")] public int Code { get; init; }
    [JsonPropertyName("err_code")] public int ErrorCode { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
}
