using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

internal sealed record MessageDeleteRequest
{
    [JsonPropertyName("seq")] public ulong Sequence { get; init; }
    /// <summary>True removes the message from the index only; false also overwrites its bytes.</summary>
    [JsonPropertyName("no_erase")] public bool NoErase { get; init; }
}
