namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[nats]</c> table.</summary>
public sealed record NatsConfig
{
    /// <summary><c>urls</c>: an external NATS cluster; when empty the node runs its own nats-server.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary><c>subject_prefix</c>: subjects are <c>&lt;subject_prefix&gt;-&lt;shard&gt;</c>.</summary>
    public string SubjectPrefix { get; init; } = "harmonylite-change-log";

    /// <summary><c>stream_prefix</c>: streams are <c>&lt;stream_prefix&gt;-&lt;shard&gt;</c>.</summary>
    public string StreamPrefix { get; init; } = "harmonylite-changes";

    /// <summary>
    /// <c>bind_address</c>: client listen address of the embedded server; port -1 picks a free port. Loopback by
    /// default (Go: every interface): the node is the only client of its embedded server.
    /// </summary>
    public HostPort BindAddress { get; init; } = new("127.0.0.1", HostPort.AnyPort);

    /// <summary>
    /// <c>cluster_secret</c> (ours): the shared secret the embedded servers of a cluster authenticate their routes
    /// with; a server without it cannot join. Empty: routes are not authenticated.
    /// </summary>
    public string ClusterSecret { get; init; } = "";

    /// <summary><c>server_config</c>: a nats-server config file included by the embedded server, absolute.</summary>
    public string ServerConfig { get; init => field = ConfigurationPath.Absolute(value); } = "";

    /// <summary><c>seed_file</c>: NKey seed for client authentication, absolute.</summary>
    public string SeedFile { get; init => field = ConfigurationPath.Absolute(value); } = "";

    /// <summary><c>user_name</c>: user for client authentication.</summary>
    public string UserName { get; init; } = "";

    /// <summary><c>user_password</c>: password for client authentication.</summary>
    public string UserPassword { get; init; } = "";

    /// <summary><c>ca_file</c>: CA certificate(s) to trust for TLS, absolute.</summary>
    public string CaFile { get; init => field = ConfigurationPath.Absolute(value); } = "";

    /// <summary><c>cert_file</c>: client certificate for TLS, absolute.</summary>
    public string CertFile { get; init => field = ConfigurationPath.Absolute(value); } = "";

    /// <summary><c>key_file</c>: client certificate key for TLS, absolute.</summary>
    public string KeyFile { get; init => field = ConfigurationPath.Absolute(value); } = "";

    /// <summary><c>connect_retries</c>: connection attempts to an external server before giving up.</summary>
    public int ConnectRetries { get; init; } = 5;

    /// <summary><c>reconnect_wait_seconds</c>: wait between reconnection attempts.</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>True when <see cref="Urls"/> is empty: the node supervises its own nats-server.</summary>
    public bool UsesEmbeddedServer => Urls.Count == 0;

    /// <summary>The table as JSON with its secrets hidden (passwords and tokens in URLs included).</summary>
    public override string ToString() => ConfigurationJsonWriter.Write(new HarmonyConfig { Nats = this }, "nats");
}
