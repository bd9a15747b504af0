namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// How the embedded nats-server joins others, from the command line as in Go HarmonyLite:
/// <c>-cluster-addr</c> (route listen address), <c>-cluster-peers</c> (route URLs) and <c>-leaf-servers</c> (leafnode remotes).
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Where the embedded server listens for routes from its peers; null when not clustered.</summary>
    public HostPort? ListenAddress { get; init; }

    /// <summary>Route URLs of the other servers (<c>nats://host:port</c>).</summary>
    public IReadOnlyList<Uri> Peers { get; init; } = [];

    /// <summary>Leafnode remotes the embedded server connects to.</summary>
    public IReadOnlyList<LeafServer> LeafServers { get; init; } = [];

    /// <summary>As <c>-print-config</c> shows it, secrets in URLs hidden.</summary>
    public override string ToString() => ConfigurationJsonWriter.WriteCluster(this);
}
