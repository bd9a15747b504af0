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

    /// <summary><c>bind_address</c>: client listen address of the embedded server; port -1 picks a free port.</summary>
    public HostPort BindAddress { get; init; } = new("", -1);

    /// <summary><c>server_config</c>: a nats-server config file included by the embedded server.</summary>
    public string ServerConfig { get; init; } = "";

    /// <summary><c>seed_file</c>: NKey seed for client authentication.</summary>
    public string SeedFile { get; init; } = "";

    /// <summary><c>user_name</c>: user for client authentication.</summary>
    public string UserName { get; init; } = "";

    /// <summary><c>user_password</c>: password for client authentication.</summary>
    public string UserPassword { get; init; } = "";

    /// <summary><c>ca_file</c>: CA certificate(s) to trust for TLS.</summary>
    public string CaFile { get; init; } = "";

    /// <summary><c>cert_file</c>: client certificate for TLS.</summary>
    public string CertFile { get; init; } = "";

    /// <summary><c>key_file</c>: client certificate key for TLS.</summary>
    public string KeyFile { get; init; } = "";

    /// <summary><c>connect_retries</c>: connection attempts to an external server before giving up.</summary>
    public int ConnectRetries { get; init; } = 5;

    /// <summary><c>reconnect_wait_seconds</c>: wait between reconnection attempts.</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>True when <see cref="Urls"/> is empty: the node supervises its own nats-server.</summary>
    public bool UsesEmbeddedServer => Urls.Count == 0;
}
