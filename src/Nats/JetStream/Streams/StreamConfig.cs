using System.Text.Json.Serialization;

namespace HarmonyLite.Nats.JetStream;

/// <summary>
/// A stream's configuration (JetStream API <c>stream_configuration</c>). Defaults match the server's:
/// -1 means unlimited, zero durations mean "none" or "server default" as noted.
/// </summary>
public sealed record StreamConfig
{
    public StreamConfig()
    {
    }

    public StreamConfig(string name) => Name = name;

    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("subjects")] public IReadOnlyList<string>? Subjects { get; init; }
    [JsonPropertyName("retention")] public RetentionPolicy Retention { get; init; } = RetentionPolicy.Limits;
    [JsonPropertyName("max_consumers")] public int MaxConsumers { get; init; } = -1;
    [JsonPropertyName("max_msgs")] public long MaxMessages { get; init; } = -1;
    [JsonPropertyName("max_bytes")] public long MaxBytes { get; init; } = -1;
    /// <summary>Oldest message age kept; <see cref="TimeSpan.Zero"/> keeps messages forever.</summary>
    [JsonPropertyName("max_age")] public TimeSpan MaxAge { get; init; }
    [JsonPropertyName("max_msgs_per_subject")] public long MaxMessagesPerSubject { get; init; } = -1;
    [JsonPropertyName("max_msg_size")] public int MaxMessageSize { get; init; } = -1;
    [JsonPropertyName("storage")] public StorageType Storage { get; init; } = StorageType.File;
    [JsonPropertyName("num_replicas")] public int Replicas { get; init; } = 1;
    [JsonPropertyName("no_ack")] public bool NoAck { get; init; }
    [JsonPropertyName("discard")] public DiscardPolicy Discard { get; init; } = DiscardPolicy.Old;
    /// <summary>Window in which a repeated <c>Nats-Msg-Id</c> is a duplicate; null lets the server choose (2 minutes).</summary>
    [JsonPropertyName("duplicate_window")] public TimeSpan? DuplicateWindow { get; init; }
    [JsonPropertyName("placement")] public Placement? Placement { get; init; }
    [JsonPropertyName("mirror")] public StreamSource? Mirror { get; init; }
    [JsonPropertyName("sources")] public IReadOnlyList<StreamSource>? Sources { get; init; }
    [JsonPropertyName("sealed")] public bool Sealed { get; init; }
    [JsonPropertyName("deny_delete")] public bool DenyDelete { get; init; }
    [JsonPropertyName("deny_purge")] public bool DenyPurge { get; init; }
    [JsonPropertyName("allow_rollup_hdrs")] public bool AllowRollupHeaders { get; init; }
    [JsonPropertyName("allow_direct")] public bool AllowDirect { get; init; }
    [JsonPropertyName("mirror_direct")] public bool MirrorDirect { get; init; }
    [JsonPropertyName("republish")] public RePublish? RePublish { get; init; }
    [JsonPropertyName("discard_new_per_subject")] public bool DiscardNewPerSubject { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
