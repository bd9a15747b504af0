namespace HarmonyLite.Engine.Cluster;

/// <summary>A replication wait cannot begin: the node it was given is not running, so nothing it wrote can be published.</summary>
public sealed class ReplicationWaitException(string message) : Exception(message);
