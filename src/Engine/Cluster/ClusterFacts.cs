using System.Text.Json.Serialization;

namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// What the cluster bucket says about the cluster as a whole and about each shard: the one place these facts are
/// computed, so that the health report and Get-HarmonyShardStatus cannot disagree.
/// </summary>
/// <param name="LiveNodes">Nodes running (or starting) with a recent heartbeat.</param>
/// <param name="StaleNodes">Nodes with no heartbeat for longer than <see cref="ClusterBucket.StaleAfter"/>. A node that
/// stopped cleanly is in neither list until its last entry ages into stale.</param>
/// <param name="SchemaDiffers">Tables whose schema differs on some live node from what most live nodes have.</param>
/// <param name="Shards">Per shard stream, the greatest lag of a live node and which live nodes lag.</param>
public sealed record ClusterFacts(
    [property: JsonPropertyName("live_nodes")] IReadOnlyList<ulong> LiveNodes,
    [property: JsonPropertyName("stale_nodes")] IReadOnlyList<ulong> StaleNodes,
    [property: JsonPropertyName("schema_differs")] IReadOnlyList<string> SchemaDiffers,
    [property: JsonIgnore] IReadOnlyList<ShardClusterFacts> Shards)
{
    public static ClusterFacts From(ClusterStatus status)
    {
        var live = status.Nodes.Where(n => n.IsLive).ToList();
        // Every entry is measured against the same streams (the reader's ranges), so any node's list names them all.
        var streams = status.Nodes.SelectMany(n => n.Shards.Select(s => s.Stream)).Distinct(StringComparer.Ordinal);
        var shards = streams.Select(stream =>
        {
            var lags = live.Select(n => (n.NodeId, Lag: n.Shards.FirstOrDefault(s => s.Stream == stream)?.Lag ?? 0)).ToList();
            return new ShardClusterFacts(stream, lags.Count == 0 ? 0 : lags.Max(l => l.Lag),
                lags.Where(l => l.Lag > 0).Select(l => l.NodeId).ToList());
        }).ToList();
        return new ClusterFacts(live.Select(n => n.NodeId).ToList(), status.Nodes.Where(n => n.IsStale).Select(n => n.NodeId).ToList(),
            status.SchemaDifferences.Select(d => d.Table).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), shards);
    }

    /// <summary>The facts of one shard stream; a stream no entry mentions has no lag and nobody behind.</summary>
    public ShardClusterFacts Shard(string stream) =>
        Shards.FirstOrDefault(s => s.Stream == stream) ?? new ShardClusterFacts(stream, 0, []);
}

/// <summary>One shard stream as the cluster sees it.</summary>
/// <param name="ClusterLag">The greatest number of messages a live node has not applied; 0 when none is live.</param>
/// <param name="NodesBehind">The live nodes that have not applied every message of the stream.</param>
public sealed record ShardClusterFacts(string Stream, ulong ClusterLag, IReadOnlyList<ulong> NodesBehind);
