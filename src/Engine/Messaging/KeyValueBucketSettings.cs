namespace HarmonyLite.Engine.Messaging;

/// <summary>How a key-value bucket is created when missing.</summary>
/// <param name="Name">The bucket's name (letters, digits, '-' and '_').</param>
/// <param name="Replicas">Copies kept; a server without clustering holds one (with a warning).</param>
/// <param name="ReplicasSetting">The configuration key <paramref name="Replicas"/> comes from, for messages.</param>
/// <param name="MaxAge">How long an entry lives after it was last written; zero keeps entries until deleted.</param>
/// <param name="History">Values kept per key (1 to 64).</param>
public sealed record KeyValueBucketSettings(string Name, string Description, int Replicas, string ReplicasSetting, TimeSpan MaxAge, int History = 1);
