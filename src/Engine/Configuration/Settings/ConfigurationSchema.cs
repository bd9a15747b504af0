using System.Diagnostics.CodeAnalysis;

namespace HarmonyLite.Engine.Configuration.Settings;

/// <summary>
/// Every key of the configuration file, in the order the printed configuration shows them. Defaults live in
/// the configuration records; names, types and ranges live here, and nowhere else.
/// </summary>
internal static class ConfigurationSchema
{
    /// <summary>Go HarmonyLite keeps these as uint32.</summary>
    private const long UInt32Max = uint.MaxValue;

    public static readonly ChoiceSettingType<SnapshotStoreKind> SnapshotStores = new(
        ("nats", SnapshotStoreKind.Nats),
        ("file", SnapshotStoreKind.File),
        ("s3", SnapshotStoreKind.S3),
        ("webdav", SnapshotStoreKind.WebDav),
        ("sftp", SnapshotStoreKind.Sftp));

    private static readonly BooleanSettingType Boolean = new();
    private static readonly TextSettingType Text = new();
    private static readonly TextSettingType Url = new(url: true);
    private static readonly TextSettingType Secret = new(secret: true);
    private static readonly TextSettingType Required = new(value => value.Length == 0 ? "must not be empty" : null);
    private static readonly IntegerSettingType Replicas = new(1, 5);
    private static readonly TextSettingType MetricNamePart = new(MetricNamePartProblem);

    public static IReadOnlyList<ConfigurationSetting> Settings { get; } =
    [
        Setting("db_path", Required, c => c.DbPath, (c, v) => c with { DbPath = v }),
        Setting("node_id", new IntegerSettingType(0, long.MaxValue), c => c.NodeId, (c, v) => c with { NodeId = v }),
        Setting("seq_map_path", Text, c => c.SeqMapPath, (c, v) => c with { SeqMapPath = v }),
        Setting("replicate", Boolean, c => c.Replicate, (c, v) => c with { Replicate = v }),
        Setting("publish", Boolean, c => c.Publish, (c, v) => c with { Publish = v }),
        Setting("scan_max_changes", new IntegerSettingType(1, UInt32Max), c => c.ScanMaxChanges, (c, v) => c with { ScanMaxChanges = v }),
        Setting("cleanup_interval", DurationSettingType.Milliseconds(1, UInt32Max), c => c.CleanupInterval, (c, v) => c with { CleanupInterval = v }),
        Setting("sleep_timeout", DurationSettingType.Milliseconds(0, UInt32Max), c => c.SleepTimeout, (c, v) => c with { SleepTimeout = v }),
        Setting("polling_interval", DurationSettingType.Milliseconds(0, UInt32Max), c => c.PollingInterval, (c, v) => c with { PollingInterval = v }),
        Setting("tombstone_retention_seconds", DurationSettingType.Seconds(0, UInt32Max), c => c.TombstoneRetention, (c, v) => c with { TombstoneRetention = v }),

        Setting("snapshot.enabled", Boolean, c => c.Snapshot.Enabled, (c, v) => c with { Snapshot = c.Snapshot with { Enabled = v } }),
        Setting("snapshot.store", SnapshotStores, c => c.Snapshot.Store, (c, v) => c with { Snapshot = c.Snapshot with { Store = v } }),
        Setting("snapshot.interval", DurationSettingType.Milliseconds(0, UInt32Max), c => c.Snapshot.Interval, (c, v) => c with { Snapshot = c.Snapshot with { Interval = v } }),
        Setting("snapshot.leader_ttl", DurationSettingType.Milliseconds(1000, UInt32Max), c => c.Snapshot.LeaderTtl, (c, v) => c with { Snapshot = c.Snapshot with { LeaderTtl = v } }),
        Setting("snapshot.keep", new IntegerSettingType(1, 1000), c => c.Snapshot.Keep, (c, v) => c with { Snapshot = c.Snapshot with { Keep = (int)v } }),
        Setting("snapshot.nats.replicas", Replicas, c => c.Snapshot.Nats.Replicas, (c, v) => c with { Snapshot = c.Snapshot with { Nats = c.Snapshot.Nats with { Replicas = (int)v } } }),
        Setting("snapshot.nats.bucket", new TextSettingType(BucketProblem), c => c.Snapshot.Nats.Bucket, (c, v) => c with { Snapshot = c.Snapshot with { Nats = c.Snapshot.Nats with { Bucket = v } } }),
        Setting("snapshot.file.path", Text, c => c.Snapshot.File.Path, (c, v) => c with { Snapshot = c.Snapshot with { File = c.Snapshot.File with { Path = v } } }),
        Setting("snapshot.s3.path", Text, c => c.Snapshot.S3.Path, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { Path = v } } }),
        Setting("snapshot.s3.endpoint", Text, c => c.Snapshot.S3.Endpoint, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { Endpoint = v } } }),
        Setting("snapshot.s3.access_key", Text, c => c.Snapshot.S3.AccessKey, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { AccessKey = v } } }),
        Setting("snapshot.s3.secret", Secret, c => c.Snapshot.S3.Secret, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { Secret = v } } }),
        Setting("snapshot.s3.session_token", Secret, c => c.Snapshot.S3.SessionToken, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { SessionToken = v } } }),
        Setting("snapshot.s3.bucket", Text, c => c.Snapshot.S3.Bucket, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { Bucket = v } } }),
        Setting("snapshot.s3.use_ssl", Boolean, c => c.Snapshot.S3.UseSsl, (c, v) => c with { Snapshot = c.Snapshot with { S3 = c.Snapshot.S3 with { UseSsl = v } } }),
        Setting("snapshot.webdav.url", Url, c => c.Snapshot.WebDav.Url, (c, v) => c with { Snapshot = c.Snapshot with { WebDav = c.Snapshot.WebDav with { Url = v } } }),
        Setting("snapshot.sftp.url", Url, c => c.Snapshot.Sftp.Url, (c, v) => c with { Snapshot = c.Snapshot with { Sftp = c.Snapshot.Sftp with { Url = v } } }),

        Setting("replication_log.shards", new IntegerSettingType(1, 1024), c => c.ReplicationLog.Shards, (c, v) => c with { ReplicationLog = c.ReplicationLog with { Shards = (int)v } }),
        Setting("replication_log.max_entries", new IntegerSettingType(1, long.MaxValue), c => c.ReplicationLog.MaxEntries, (c, v) => c with { ReplicationLog = c.ReplicationLog with { MaxEntries = v } }),
        Setting("replication_log.replicas", Replicas, c => c.ReplicationLog.Replicas, (c, v) => c with { ReplicationLog = c.ReplicationLog with { Replicas = (int)v } }),
        Setting("replication_log.compress", Boolean, c => c.ReplicationLog.Compress, (c, v) => c with { ReplicationLog = c.ReplicationLog with { Compress = v } }),
        Setting("replication_log.update_existing", Boolean, c => c.ReplicationLog.UpdateExisting, (c, v) => c with { ReplicationLog = c.ReplicationLog with { UpdateExisting = v } }),

        Setting("nats.urls", new TextListSettingType(NatsUrlProblem), c => c.Nats.Urls, (c, v) => c with { Nats = c.Nats with { Urls = v } }),
        Setting("nats.subject_prefix", new TextSettingType(SubjectPrefixProblem), c => c.Nats.SubjectPrefix, (c, v) => c with { Nats = c.Nats with { SubjectPrefix = v } }),
        Setting("nats.stream_prefix", new TextSettingType(StreamPrefixProblem), c => c.Nats.StreamPrefix, (c, v) => c with { Nats = c.Nats with { StreamPrefix = v } }),
        Setting("nats.bind_address", new HostPortSettingType(), c => c.Nats.BindAddress, (c, v) => c with { Nats = c.Nats with { BindAddress = v } }),
        Setting("nats.server_config", Text, c => c.Nats.ServerConfig, (c, v) => c with { Nats = c.Nats with { ServerConfig = v } }),
        Setting("nats.cluster_secret", Secret, c => c.Nats.ClusterSecret, (c, v) => c with { Nats = c.Nats with { ClusterSecret = v } }),
        Setting("nats.seed_file", Text, c => c.Nats.SeedFile, (c, v) => c with { Nats = c.Nats with { SeedFile = v } }),
        Setting("nats.user_name", Text, c => c.Nats.UserName, (c, v) => c with { Nats = c.Nats with { UserName = v } }),
        Setting("nats.user_password", Secret, c => c.Nats.UserPassword, (c, v) => c with { Nats = c.Nats with { UserPassword = v } }),
        Setting("nats.ca_file", Text, c => c.Nats.CaFile, (c, v) => c with { Nats = c.Nats with { CaFile = v } }),
        Setting("nats.cert_file", Text, c => c.Nats.CertFile, (c, v) => c with { Nats = c.Nats with { CertFile = v } }),
        Setting("nats.key_file", Text, c => c.Nats.KeyFile, (c, v) => c with { Nats = c.Nats with { KeyFile = v } }),
        Setting("nats.connect_retries", new IntegerSettingType(0, int.MaxValue), c => c.Nats.ConnectRetries, (c, v) => c with { Nats = c.Nats with { ConnectRetries = (int)v } }),
        Setting("nats.reconnect_wait_seconds", DurationSettingType.Seconds(0, 86_400), c => c.Nats.ReconnectWait, (c, v) => c with { Nats = c.Nats with { ReconnectWait = v } }),

        Setting("prometheus.enable", Boolean, c => c.Prometheus.Enable, (c, v) => c with { Prometheus = c.Prometheus with { Enable = v } }),
        Setting("prometheus.bind", HostPortSettingType.HttpListen, c => c.Prometheus.Bind, (c, v) => c with { Prometheus = c.Prometheus with { Bind = v } }),
        Setting("prometheus.namespace", MetricNamePart, c => c.Prometheus.Namespace, (c, v) => c with { Prometheus = c.Prometheus with { Namespace = v } }),
        Setting("prometheus.subsystem", MetricNamePart, c => c.Prometheus.Subsystem, (c, v) => c with { Prometheus = c.Prometheus with { Subsystem = v } }),

        Setting("logging.verbose", Boolean, c => c.Logging.Verbose, (c, v) => c with { Logging = c.Logging with { Verbose = v } }),
        Setting("logging.format", new ChoiceSettingType<LogFormat>(("console", LogFormat.Console), ("json", LogFormat.Json)), c => c.Logging.Format, (c, v) => c with { Logging = c.Logging with { Format = v } }),

        Setting("health_check.enable", Boolean, c => c.HealthCheck.Enable, (c, v) => c with { HealthCheck = c.HealthCheck with { Enable = v } }),
        Setting("health_check.bind", HostPortSettingType.HttpListen, c => c.HealthCheck.Bind, (c, v) => c with { HealthCheck = c.HealthCheck with { Bind = v } }),
        Setting("health_check.path", new TextSettingType(HealthPathProblem), c => c.HealthCheck.Path, (c, v) => c with { HealthCheck = c.HealthCheck with { Path = v } }),
        Setting("health_check.detailed", Boolean, c => c.HealthCheck.Detailed, (c, v) => c with { HealthCheck = c.HealthCheck with { Detailed = v } }),
    ];

    private static readonly Dictionary<string, ConfigurationSetting> ByKey = Settings.ToDictionary(s => s.Key, StringComparer.Ordinal);

    /// <summary>The tables that hold settings: <c>snapshot</c>, <c>snapshot.nats</c>, <c>nats</c>, ...</summary>
    public static IReadOnlySet<string> Tables { get; } = Settings
        .SelectMany(s => Enumerable.Range(1, s.Key.Count(c => c == '.')).Select(depth => string.Join('.', s.Key.Split('.').Take(depth))))
        .ToHashSet(StringComparer.Ordinal);

    public static bool TryGetSetting(string key, [MaybeNullWhen(false)] out ConfigurationSetting setting) =>
        ByKey.TryGetValue(key, out setting);

    private static TypedConfigurationSetting<T> Setting<T>(string key, SettingType<T> type, Func<HarmonyConfig, T> get, Func<HarmonyConfig, T, HarmonyConfig> set) =>
        new(key, type, get, set);

    private static string? SubjectPrefixProblem(string value) =>
        value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '*' or '>') || value.StartsWith('.') || value.EndsWith('.') || value.Contains("..", StringComparison.Ordinal)
            ? "must be a NATS subject: not empty, no spaces, no '*' or '>', no empty parts between dots"
            : null;

    private static string? StreamPrefixProblem(string value) =>
        value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>' or '/' or '\\')
            ? "must be usable in a JetStream stream name: not empty, none of space . * > / \\"
            : null;

    /// <summary>The problem of <paramref name="value"/> as the path of the health endpoint, or null.</summary>
    public static string? HealthPathProblem(string value) =>
        value.StartsWith('/') && !value.Any(c => char.IsWhiteSpace(c) || c is '?' or '#')
            ? null
            : $"{TomlValueText.Show(value)}: expected a URL path that starts with '/' (for example /health), without spaces, '?' or '#'";

    private static string? MetricNamePartProblem(string value) =>
        value.Length == 0 || (!char.IsAsciiDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            ? null
            : $"{TomlValueText.Show(value)}: a part of a Prometheus metric name may hold letters, digits and '_', and not start with a digit";

    private static string? BucketProblem(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? null
            : "a bucket name may only contain letters, digits, '-' and '_'";

    private static string? NatsUrlProblem(string value)
    {
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            return HostPort.TryParse(value, out _) is null ? $"{TomlValueText.Show(value)} is neither a nats:// URL nor host:port" : null;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return $"{TomlValueText.Show(SecretRedaction.Url(value))} is not a valid URL";
        }
        return uri.Scheme is "nats" or "tls" or "ws" or "wss"
            ? null
            : $"{TomlValueText.Show(SecretRedaction.Url(value))}: expected a nats://, tls://, ws:// or wss:// URL";
    }
}
