namespace HarmonyLite.Engine.Configuration;

/// <summary>
/// The effective configuration of a node: every key of the Go HarmonyLite <c>config.toml</c> with the same
/// defaults, our additions, and the command-line overrides (<see cref="Cluster"/>, node id).
/// Load it with <see cref="ConfigurationLoader"/>; <see cref="ToJson"/> prints it with the TOML key names.
/// </summary>
public sealed record HarmonyConfig
{
    /// <summary><c>db_path</c>: the SQLite database to replicate, absolute (a relative path is made absolute when set).</summary>
    public string DbPath { get; init => field = ConfigurationPath.Absolute(value); } = Path.Combine(Path.GetTempPath(), "harmonylite.db");

    /// <summary><c>node_id</c>: this node's id, unique in the cluster (derived from the machine id when not set).</summary>
    public long NodeId { get; init; }

    /// <summary><c>seq_map_path</c>: where the Go original keeps its stream positions between runs, absolute.</summary>
    public string SeqMapPath { get; init => field = ConfigurationPath.Absolute(value); } = Path.Combine(Path.GetTempPath(), "seq-map.cbor");

    /// <summary><c>replicate</c>: apply changes from other nodes.</summary>
    public bool Replicate { get; init; } = true;

    /// <summary><c>publish</c>: publish local changes to other nodes.</summary>
    public bool Publish { get; init; } = true;

    /// <summary><c>scan_max_changes</c>: most change rows read per publish batch.</summary>
    public long ScanMaxChanges { get; init; } = 512;

    /// <summary><c>cleanup_interval</c> (milliseconds): how often published change rows are removed.</summary>
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>sleep_timeout</c> (milliseconds): exit after this long without activity; zero disables it.</summary>
    public TimeSpan SleepTimeout { get; init; } = TimeSpan.Zero;

    /// <summary><c>polling_interval</c> (milliseconds): also poll the database for changes this often; zero disables it.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.Zero;

    /// <summary>How long the version row of a deleted row is kept (docs/architecture.md, "Conflicts"); zero keeps them forever.</summary>
    public TimeSpan TombstoneRetention { get; init; } = TimeSpan.FromDays(7);

    public SnapshotConfig Snapshot { get; init; } = new();

    public ReplicationLogConfig ReplicationLog { get; init; } = new();

    public NatsConfig Nats { get; init; } = new();

    public PrometheusConfig Prometheus { get; init; } = new();

    public LoggingConfig Logging { get; init; } = new();

    public HealthCheckConfig HealthCheck { get; init; } = new();

    /// <summary>The embedded server's cluster settings, from <c>-cluster-addr</c>, <c>-cluster-peers</c> and <c>-leaf-servers</c>.</summary>
    public ClusterOptions Cluster { get; init; } = new();

    /// <summary>The configuration as one indented JSON object keyed by the TOML key names (secrets hidden).</summary>
    public string ToJson() => ConfigurationJsonWriter.Write(this);

    /// <summary>The same as <see cref="ToJson"/>: a configuration never prints its secrets.</summary>
    public override string ToString() => ToJson();
}
