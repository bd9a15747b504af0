using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream.Api;

/// <summary>A stored message as <c>STREAM.MSG.GET</c> returns it: payload and header block base64-encoded.</summary>
internal sealed record RawStoredMessage
{
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("seq")] public ulong Sequence { get; init; }
    [JsonPropertyName("data")] public byte[]? Data { get; init; }
    [JsonPropertyName("hdrs")] public byte[]? Headers { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
}
