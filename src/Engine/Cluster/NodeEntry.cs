using System.Text.Json.Serialization;
using HarmonyLite.Engine.Node;

namespace HarmonyLite.Engine.Cluster;

/// <summary>
/// What one node tells the cluster about itself: its entry in the cluster bucket (<see cref="ClusterBucket"/>), as
/// JSON, rewritten on change and every <see cref="ClusterBucket.HeartbeatInterval"/>.
/// </summary>
/// <param name="Host">The machine the node runs on.</param>
/// <param name="Replicate">False for a node that publishes but applies nothing (replicate = false): nobody waits for it.</param>
/// <param name="PublishedChange">The number of the last local change published: a wait compares the database's last change with it.</param>
/// <param name="TableSchemas">Each replicated table's schema hash (see TableSchemaHash), by table name.</param>
/// <param name="Heartbeat">When the node wrote this entry; an old one means the node stopped or froze.</param>
public sealed record NodeEntry(
    long NodeId,
    string Version,
    string Host,
    DateTimeOffset StartedAt,
    NodeState State,
    bool Replicate,
    IReadOnlyList<ShardPosition> Shards,
    long PublishedChange,
    long PendingChanges,
    long QuarantinedMessages,
    IReadOnlyDictionary<string, string> TableSchemas,
    DateTimeOffset Heartbeat,
    string? LastError)
{
    /// <summary>The node id as users see it (unsigned, as in node_id).</summary>
    [JsonIgnore]
    public ulong Id => unchecked((ulong)NodeId);

    public ulong AppliedSequence(string stream) => Shards.FirstOrDefault(s => s.Stream == stream)?.Applied ?? 0;
}
