namespace HarmonyLite.Host.CommandLine;

/// <summary>The flags <c>harmonylite</c> accepts: those of Go HarmonyLite plus <c>-print-config</c> and the cluster flags.</summary>
public static class HostFlags
{
    public const string Config = "config";
    public const string NodeId = "node-id";
    public const string ClusterAddr = "cluster-addr";
    public const string ClusterPeers = "cluster-peers";
    public const string LeafServers = "leaf-servers";
    public const string Cleanup = "cleanup";
    public const string SaveSnapshot = "save-snapshot";
    public const string PrintConfig = "print-config";
    public const string ClusterStatus = "cluster-status";
    public const string WaitReplicated = "wait-replicated";
    public const string Json = "json";
    public const string Timeout = "timeout";
    public const string Version = "version";
    public const string Help = "help";
    public const string HealthCheck = "health-check";
    public const string HealthBind = "health-bind";
    public const string HealthPath = "health-path";

    public static IReadOnlyList<HostFlag> All { get; } =
    [
        new(Config, HostFlagKind.Text, "FILE", "configuration file (TOML); without it the built-in defaults are used"),
        new(NodeId, HostFlagKind.Unsigned, "ID", "node id, overriding node_id in the configuration file"),
        new(ClusterAddr, HostFlagKind.Text, "HOST:PORT", "address the embedded NATS server listens on for routes from its peers"),
        new(ClusterPeers, HostFlagKind.Text, "URLS", "comma-separated route URLs of the other servers, e.g. nats://10.0.0.2:4221,nats://10.0.0.3:4221 (dns://name:4221: every address of a name)"),
        new(LeafServers, HostFlagKind.Text, "URLS", "comma-separated leafnode remote URLs for the embedded server (add ?hub=true for a hub)"),
        new(HealthCheck, HostFlagKind.Boolean, "", "serve the HTTP health endpoint (health_check.enable)"),
        new(HealthBind, HostFlagKind.Text, "HOST:PORT", "address of the health endpoint (health_check.bind, default 0.0.0.0:8090)"),
        new(HealthPath, HostFlagKind.Text, "PATH", "URL path of the health endpoint (health_check.path, default /health)"),
        new(Cleanup, HostFlagKind.Boolean, "", "remove HarmonyLite's triggers and change-log tables from the database, then exit"),
        new(SaveSnapshot, HostFlagKind.Boolean, "", "save a snapshot of the database, then exit"),
        new(ClusterStatus, HostFlagKind.Boolean, "", "print every node of the cluster (state, lag per shard, staleness, schema differences), then exit"),
        new(WaitReplicated, HostFlagKind.Boolean, "", "wait until every live node applied everything this node's database committed and the cluster published, then exit"),
        new(Json, HostFlagKind.Boolean, "", "with -cluster-status: print JSON"),
        new(Timeout, HostFlagKind.Text, "DURATION", "with -wait-replicated: how long to wait (e.g. 90s, 2m; default 60s)"),
        new(PrintConfig, HostFlagKind.Boolean, "", "print the effective configuration as JSON (secrets hidden), then exit"),
        new(Version, HostFlagKind.Boolean, "", "print the version, then exit"),
        new(Help, HostFlagKind.Boolean, "", "print this help, then exit (also -h)"),
        new("pprof", HostFlagKind.Text, "ADDR", "Go profiling server", "this version has no Go profiler; use dotnet-trace or dotnet-counters"),
    ];

    /// <summary>The flag called <paramref name="name"/> (<c>h</c> is <c>help</c>, as in Go), or null.</summary>
    public static HostFlag? Find(string name) =>
        All.FirstOrDefault(flag => flag.Name == (name == "h" ? Help : name));
}
