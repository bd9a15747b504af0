namespace HarmonyLite.Engine.Cluster;

/// <summary>Where a replication wait is: still waiting for the node's own changes to be published, or for the others to apply them.</summary>
/// <param name="Publishing">True while the node's committed changes are not all published yet.</param>
/// <param name="CaughtUp">Nodes that applied everything up to the target.</param>
/// <param name="Nodes">Nodes waited for.</param>
/// <param name="MessagesBehind">Messages still to apply, over all nodes and shards.</param>
public sealed record ReplicationProgress(bool Publishing, int CaughtUp, int Nodes, ulong MessagesBehind);
