using System.Text.Json.Serialization;
using HarmonyLite.Engine.Node;

namespace HarmonyLite.Engine.Cluster;

/// <summary>One node as the cluster sees it: its entry, how old it is, its lag per shard, its tables that differ.</summary>
/// <param name="HeartbeatAge">How long ago the node last wrote its entry.</param>
/// <param name="SchemaDifferences">How its tables differ from what most live nodes have.</param>
public sealed record ClusterNodeStatus(NodeEntry Entry, [property: JsonIgnore] TimeSpan HeartbeatAge, IReadOnlyList<ShardLag> Shards,
    IReadOnlyList<SchemaDifference> SchemaDifferences)
{
    /// <summary>Its tables whose schema differs from what most live nodes have.</summary>
    public IReadOnlyList<string> SchemaDiffers => SchemaDifferences.Select(d => d.Table).ToList();

    public ulong NodeId => Entry.Id;
    public double HeartbeatAgeSeconds => Math.Round(HeartbeatAge.TotalSeconds, 1);
    public NodeState State => Entry.State;
    public string Host => Entry.Host;
    public string Version => Entry.Version;

    /// <summary>No heartbeat for longer than <see cref="ClusterBucket.StaleAfter"/>: the node stopped, froze or is cut off.</summary>
    public bool IsStale => HeartbeatAge > ClusterBucket.StaleAfter;

    /// <summary>Running, or starting, and not stale: a node that applies what others publish.</summary>
    public bool IsLive => !IsStale && State is NodeState.Starting or NodeState.Restoring or NodeState.Running;

    /// <summary>Messages not applied yet, over all shards.</summary>
    public ulong Lag => Shards.Aggregate(0UL, (sum, shard) => sum + shard.Lag);
}
