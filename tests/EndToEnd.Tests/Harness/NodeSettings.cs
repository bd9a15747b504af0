namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>How one node of a test cluster is configured; the defaults make a normal node with an embedded nats-server.</summary>
public sealed record NodeSettings
{
    public bool Publish { get; init; } = true;
    public bool Replicate { get; init; } = true;

    /// <summary>External NATS servers (<c>nats.urls</c>); empty runs the node's own embedded nats-server.</summary>
    public IReadOnlyList<string> NatsUrls { get; init; } = [];

    /// <summary><c>nats.connect_retries</c>: connection rounds to an external server before the node gives up.</summary>
    public int ConnectRetries { get; init; } = 5;

    /// <summary><c>logging.verbose</c>: debug lines too (every applied message, every connection attempt).</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// <c>replication_log.replicas</c>. With 1 the stream lives on the nats-server of whichever node created it, so a
    /// test that stops a node needs more copies for the others to go on replicating meanwhile.
    /// </summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>cleanup_interval</c>: how long published change-log rows stay before they are deleted.</summary>
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>tombstone_retention_seconds</c>: how long version rows of deleted rows stay; null leaves the default.</summary>
    public TimeSpan? TombstoneRetention { get; init; }

    /// <summary><c>replication_log.max_entries</c>: how many messages a shard stream keeps before it drops the oldest.</summary>
    public long MaxEntries { get; init; } = NodeConfigFile.MaxEntries;

    /// <summary><c>nats.bind_address</c> of the embedded server; port -1 picks a free one.</summary>
    public string NatsBindAddress { get; init; } = "127.0.0.1:-1";

    /// <summary>The <c>[snapshot]</c> table and its sub-tables as TOML; null turns snapshots off.</summary>
    public string? SnapshotToml { get; init; }

    /// <summary>More tables appended to the file as they are (e.g. <c>[health_check]</c>, <c>[prometheus]</c>).</summary>
    public string ExtraToml { get; init; } = "";

    /// <summary>More command-line flags, after <c>-config</c> and the cluster flags.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
