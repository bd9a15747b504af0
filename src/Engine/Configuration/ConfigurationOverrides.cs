namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// Command-line values that override or complete the file, as the Go HarmonyLite flags do.
/// Null (or a node id of 0) means "not given".
/// </summary>
public sealed record ConfigurationOverrides
{
    /// <summary><c>-node-id</c>: replaces <c>node_id</c> when not 0.</summary>
    public long? NodeId { get; init; }

    /// <summary><c>-cluster-addr</c>: <c>host:port</c> the embedded server listens on for routes.</summary>
    public string? ClusterAddress { get; init; }

    /// <summary><c>-cluster-peers</c>: comma-separated route URLs of the other servers.</summary>
    public string? ClusterPeers { get; init; }

    /// <summary><c>-leaf-servers</c>: comma-separated leafnode remote URLs (<c>?hub=true</c> marks a hub).</summary>
    public string? LeafServers { get; init; }

    /// <summary><c>-health-check</c>: replaces <c>health_check.enable</c>.</summary>
    public bool? HealthCheck { get; init; }

    /// <summary><c>-health-bind</c>: replaces <c>health_check.bind</c>.</summary>
    public string? HealthBind { get; init; }

    /// <summary><c>-health-path</c>: replaces <c>health_check.path</c>.</summary>
    public string? HealthPath { get; init; }
}
