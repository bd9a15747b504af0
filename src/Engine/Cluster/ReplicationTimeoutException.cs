namespace HarmonyLite.Engine.Cluster;

/// <summary>A replication wait ran out of time; <see cref="Behind"/> says who was behind and by how much.</summary>
public sealed class ReplicationTimeoutException : TimeoutException
{
    public ReplicationTimeoutException(string message, IReadOnlyList<NodeBehind> behind) : base(message) => Behind = behind;

    public IReadOnlyList<NodeBehind> Behind { get; }
}
