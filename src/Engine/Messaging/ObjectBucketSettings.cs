namespace HarmonyLite.Engine.Messaging;

/// <summary>How an object store bucket is created when missing.</summary>
/// <param name="Replicas">Copies kept; a server without clustering holds one (with a warning).</param>
/// <param name="ReplicasSetting">The configuration key <paramref name="Replicas"/> comes from, for messages.</param>
public sealed record ObjectBucketSettings(string Name, string Description, int Replicas, string ReplicasSetting);
