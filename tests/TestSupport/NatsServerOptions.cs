namespace HarmonyLite.TestSupport;

/// <summary>How a test nats-server is started.</summary>
public sealed record NatsServerOptions
{
    public string ServerName { get; init; } = "test-" + Guid.NewGuid().ToString("N")[..8];
    public bool JetStream { get; init; } = true;
    /// <summary>Extra nats-server configuration text appended verbatim (authorization, tls, ...).</summary>
    public string? ExtraConfig { get; init; }
    /// <summary>Cluster name; set together with <see cref="ClusterPort"/> and <see cref="Routes"/>.</summary>
    public string? ClusterName { get; init; }
    public int? ClusterPort { get; init; }
    public IReadOnlyList<int> Routes { get; init; } = Array.Empty<int>();
    /// <summary>Client port; 0 picks a free one.</summary>
    public int Port { get; init; }
    /// <summary>JetStream store directory; null makes a temp one owned by the server process object.</summary>
    public string? StoreDirectory { get; init; }
}
