using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Messaging;

/// <summary>
/// The shard streams changes travel on: shard n (1-based, as Go HarmonyLite numbers them) is stream
/// <c>&lt;stream_prefix&gt;-n</c> with subject <c>&lt;subject_prefix&gt;-n</c>.
/// </summary>
public sealed record ReplicationTopology(string StreamPrefix, string SubjectPrefix, int Shards)
{
    public static ReplicationTopology From(HarmonyConfig config) =>
        new(config.Nats.StreamPrefix, config.Nats.SubjectPrefix, config.ReplicationLog.Shards);

    public IEnumerable<int> ShardNumbers => Enumerable.Range(1, Shards);

    public IReadOnlyList<string> StreamNames => ShardNumbers.Select(StreamName).ToList();

    public string StreamName(int shard) => $"{StreamPrefix}-{shard}";

    public string SubjectName(int shard) => $"{SubjectPrefix}-{shard}";

    /// <summary>
    /// The shard of a batch: a stable hash of its id, so a batch retried after a crash goes to the same
    /// stream (where the <c>Nats-Msg-Id</c> de-duplicates it).
    /// </summary>
    public int ShardFor(string batchId)
    {
        // FNV-1a: stable across processes and platforms, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in batchId)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return (int)(hash % (ulong)Shards) + 1;
    }
}
