namespace HarmonyLite.Engine.Cluster;

/// <summary>A node that had not applied everything when a replication wait gave up.</summary>
/// <param name="Behind">Messages not applied, by shard stream (only shards it is behind on).</param>
/// <param name="HeartbeatAge">How long ago the node last wrote its entry.</param>
public sealed record NodeBehind(ulong NodeId, string Host, IReadOnlyDictionary<string, ulong> Behind, TimeSpan HeartbeatAge)
{
    public string Description =>
        $"node {NodeId} ({Host}) is behind by " + string.Join(", ", Behind.Select(b => $"{b.Value} message(s) on {b.Key}"))
        + (HeartbeatAge > ClusterBucket.StaleAfter ? $"; no heartbeat for {HeartbeatAge.TotalSeconds:0} s (stopped, frozen or cut off)" : "");
}
