using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>Reads only the <c>error</c> member of any API response, so every response type stays a plain model.</summary>
internal sealed record ApiErrorEnvelope
{
    [JsonPropertyName("error")] public ApiError? Error { get; init; }
}
