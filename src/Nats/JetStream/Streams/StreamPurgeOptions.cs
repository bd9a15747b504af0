using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// Limits a purge: only messages on <see cref="Subject"/> (wildcards allowed), only those below
/// <see cref="UpToSequence"/>, or all but the newest <see cref="Keep"/>. Sequence and keep exclude each other.
/// </summary>
public sealed record StreamPurgeOptions
{
    [JsonPropertyName("filter")] public string? Subject { get; init; }
    /// <summary>Purges messages with a sequence lower than this one.</summary>
    [JsonPropertyName("seq")] public ulong? UpToSequence { get; init; }
    [JsonPropertyName("keep")] public ulong? Keep { get; init; }
}
