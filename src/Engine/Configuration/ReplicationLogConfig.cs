namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[replication_log]</c> table: the JetStream streams that carry changes.</summary>
public sealed record ReplicationLogConfig
{
    /// <summary><c>shards</c>: number of streams changes are spread over (1 to 1024).</summary>
    public int Shards { get; init; } = 1;

    /// <summary><c>max_entries</c>: messages each stream keeps.</summary>
    public long MaxEntries { get; init; } = 1024;

    /// <summary><c>replicas</c>: copies of each stream (1 to 5).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>compress</c>: compress change messages with zstd.</summary>
    public bool Compress { get; init; } = true;

    /// <summary><c>update_existing</c>: change existing streams whose settings differ.</summary>
    public bool UpdateExisting { get; init; }
}
