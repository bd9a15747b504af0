using System.Text;
using System.Text.Json;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Configuration;

/// <summary>Reading every key, refusing bad values with file, line and key, and warning about unknown keys.</summary>
public sealed class ConfigurationLoaderTests
{
    private static readonly MachineIdentity Machine = new([], () => "loader-host");

    private const string EveryKey = """
        db_path = "/data/app.db"
        node_id = 7
        seq_map_path = "/data/seq.cbor"
        replicate = false
        publish = false
        scan_max_changes = 100
        cleanup_interval = 1000
        sleep_timeout = 15000
        polling_interval = 250

        [snapshot]
        enabled = false
        store = "file"
        interval = 60000
        leader_ttl = 45000
        keep = 5

        [snapshot.nats]
        replicas = 3
        bucket = "snaps"

        [snapshot.file]
        path = "/backups"

        [snapshot.s3]
        path = "p"
        endpoint = "e:9000"
        access_key = "ak"
        secret = "sk"
        session_token = "st"
        bucket = "b"
        use_ssl = true

        [snapshot.webdav]
        url = "https://dav/x"

        [snapshot.sftp]
        url = "sftp://u:pw@host:22/p"

        [replication_log]
        shards = 4
        max_entries = 2048
        replicas = 3
        compress = false
        update_existing = true

        [nats]
        urls = ["nats://a:4222", "tls://b:4222"]
        subject_prefix = "subj"
        stream_prefix = "strm"
        bind_address = "[::1]:4300"
        server_config = "/etc/nats.conf"
        cluster_secret = "route-secret"
        seed_file = "/etc/user.seed"
        user_name = "user"
        user_password = "hunter2"
        ca_file = "/ca.pem"
        cert_file = "/cert.pem"
        key_file = "/key.pem"
        connect_retries = 10
        reconnect_wait_seconds = 7

        [prometheus]
        enable = false
        bind = ":9999"
        namespace = "ns"
        subsystem = "sub"

        [logging]
        verbose = true
        format = "json"

        [health_check]
        enable = false
        bind = "127.0.0.1:1"
        path = "/h"
        detailed = false
        """;

    [Fact]
    public void Every_key_is_read()
    {
        var (config, warnings, notices) = Load(EveryKey);

        Assert.Empty(warnings);
        Assert.Empty(notices);
        Assert.Equal(("/data/app.db", 7L, "/data/seq.cbor", false, false, 100L), (config.DbPath, config.NodeId, config.SeqMapPath, config.Replicate, config.Publish, config.ScanMaxChanges));
        Assert.Equal([1000d, 15000d, 250d], new[] { config.CleanupInterval, config.SleepTimeout, config.PollingInterval }.Select(t => t.TotalMilliseconds));
        Assert.Equal(new SnapshotConfig
        {
            Enabled = false,
            Store = SnapshotStoreKind.File,
            Interval = TimeSpan.FromMinutes(1),
            LeaderTtl = TimeSpan.FromSeconds(45),
            Keep = 5,
            Nats = new SnapshotNatsConfig { Replicas = 3, Bucket = "snaps" },
            File = new SnapshotFileConfig { Path = "/backups" },
            S3 = new SnapshotS3Config { Path = "p", Endpoint = "e:9000", AccessKey = "ak", Secret = "sk", SessionToken = "st", Bucket = "b", UseSsl = true },
            WebDav = new SnapshotWebDavConfig { Url = "https://dav/x" },
            Sftp = new SnapshotSftpConfig { Url = "sftp://u:pw@host:22/p" },
        }, config.Snapshot);
        Assert.Equal(new ReplicationLogConfig { Shards = 4, MaxEntries = 2048, Replicas = 3, Compress = false, UpdateExisting = true }, config.ReplicationLog);
        Assert.Equal(["nats://a:4222", "tls://b:4222"], config.Nats.Urls);
        Assert.False(config.Nats.UsesEmbeddedServer);
        Assert.Equal(
            ("subj", "strm", new HostPort("::1", 4300), "/etc/nats.conf", "/etc/user.seed", "user", "hunter2", "/ca.pem", "/cert.pem", "/key.pem", 10, TimeSpan.FromSeconds(7)),
            (config.Nats.SubjectPrefix, config.Nats.StreamPrefix, config.Nats.BindAddress, config.Nats.ServerConfig, config.Nats.SeedFile, config.Nats.UserName,
             config.Nats.UserPassword, config.Nats.CaFile, config.Nats.CertFile, config.Nats.KeyFile, config.Nats.ConnectRetries, config.Nats.ReconnectWait));
        Assert.Equal("route-secret", config.Nats.ClusterSecret);
        Assert.Equal(new PrometheusConfig { Bind = new HostPort("", 9999), Namespace = "ns", Subsystem = "sub" }, config.Prometheus);
        Assert.Equal(new LoggingConfig { Verbose = true, Format = LogFormat.Json }, config.Logging);
        Assert.Equal(new HealthCheckConfig { Bind = new HostPort("127.0.0.1", 1), Path = "/h", Detailed = false }, config.HealthCheck);
    }

    [Fact]
    public void The_json_uses_the_toml_key_names_and_hides_secrets()
    {
        var json = Load(EveryKey).Config.ToJson();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(7, root.GetProperty("node_id").GetInt64());
        Assert.Equal(1000, root.GetProperty("cleanup_interval").GetInt64());
        Assert.Equal("file", root.GetProperty("snapshot").GetProperty("store").GetString());
        Assert.Equal(3, root.GetProperty("snapshot").GetProperty("nats").GetProperty("replicas").GetInt32());
        Assert.Equal(7, root.GetProperty("nats").GetProperty("reconnect_wait_seconds").GetInt32());
        Assert.Equal("[::1]:4300", root.GetProperty("nats").GetProperty("bind_address").GetString());
        Assert.Equal("json", root.GetProperty("logging").GetProperty("format").GetString());
        Assert.Equal("<redacted>", root.GetProperty("nats").GetProperty("user_password").GetString());
        Assert.Equal("<redacted>", root.GetProperty("nats").GetProperty("cluster_secret").GetString());
        Assert.Equal("<redacted>", root.GetProperty("snapshot").GetProperty("s3").GetProperty("session_token").GetString());
        Assert.DoesNotContain("route-secret", json);
        Assert.Equal("<redacted>", root.GetProperty("snapshot").GetProperty("s3").GetProperty("secret").GetString());
        Assert.Equal("sftp://u:<redacted>@host:22/p", root.GetProperty("snapshot").GetProperty("sftp").GetProperty("url").GetString());
        Assert.DoesNotContain("hunter2", json);
        Assert.Equal(
            ["db_path", "node_id", "seq_map_path", "replicate", "publish", "scan_max_changes", "cleanup_interval", "sleep_timeout", "polling_interval", "tombstone_retention_seconds",
             "snapshot", "replication_log", "nats", "prometheus", "logging", "health_check", "cluster"],
            root.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("db_path = \"/x.db\"\n\n[replication_log]\nshards = \"two\"\n", 4, "replication_log.shards", "expected an integer from 1 to 1024, got \"two\"")]
    [InlineData("[replication_log]\nshards = 0\n", 2, "replication_log.shards", "expected an integer from 1 to 1024, got 0")]
    [InlineData("[replication_log]\nreplicas = 6\n", 2, "replication_log.replicas", "expected an integer from 1 to 5, got 6")]
    [InlineData("publish = \"yes\"\n", 1, "publish", "expected true or false, got \"yes\"")]
    [InlineData("cleanup_interval = 0\n", 1, "cleanup_interval", "expected a whole number of milliseconds from 1 to 4294967295, got 0")]
    [InlineData("scan_max_changes = 1.5\n", 1, "scan_max_changes", "expected an integer from 1 to 4294967295, got 1.5")]
    [InlineData("db_path = \"\"\n", 1, "db_path", "must not be empty")]
    [InlineData("node_id = -1\n", 1, "node_id", "expected an integer from 0 to 9223372036854775807, got -1")]
    [InlineData("[logging]\nformat = \"xml\"\n", 2, "logging.format", "expected one of \"console\", \"json\", got \"xml\"")]
    [InlineData("[snapshot]\nstore = \"ftp\"\n", 2, "snapshot.store", "expected one of \"nats\", \"file\", \"s3\", \"webdav\", \"sftp\", got \"ftp\"")]
    [InlineData("[nats]\nurls = \"nats://a:4222\"\n", 2, "nats.urls", "expected an array of strings, got \"nats://a:4222\"")]
    [InlineData("[nats]\nurls = [\"nats://a:4222\", 5]\n", 2, "nats.urls", "element 2: expected a string, got 5")]
    [InlineData("[nats]\nurls = [\"ftp://a:80\"]\n", 2, "nats.urls", "expected a nats://, tls://, ws:// or wss:// URL")]
    [InlineData("[nats]\nurls = [\"ftp://tok123@a:80\"]\n", 2, "nats.urls", "\"ftp://<redacted>@a:80\"")]
    [InlineData("[nats]\ncluster_secret = 7\n", 2, "nats.cluster_secret", "expected a string, got 7")]
    [InlineData("[nats]\nbind_address = \"4222\"\n", 2, "nats.bind_address", "expected host:port")]
    [InlineData("[nats]\nstream_prefix = \"a.b\"\n", 2, "nats.stream_prefix", "must be usable in a JetStream stream name")]
    [InlineData("snapshot = 1\n", 1, "snapshot", "expected a table, got 1")]
    public void A_bad_value_names_file_line_and_key(string toml, int line, string key, string problem)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(toml, "node-1.toml"));

        Assert.Equal(("node-1.toml", (int?)line, key), (error.Origin, error.Line, error.Key));
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"node-1.toml:{line}: {key}: ", error.Message);
    }

    [Theory]
    [InlineData("s3", "snapshot.s3.endpoint")]
    [InlineData("webdav", "snapshot.webdav.url")]
    [InlineData("sftp", "snapshot.sftp.url")]
    public void A_remote_snapshot_store_without_its_settings_is_refused_naming_the_key(string store, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load($"db_path = \"/x.db\"\n[snapshot]\nstore = \"{store}\"\n", "node-1.toml"));

        Assert.StartsWith($"node-1.toml:3: {key}: required when snapshot.store = \"{store}\"", error.Message);
    }

    [Theory]
    [InlineData("[health_check]\nbind = \"127.0.0.1\"\n", "node.toml:2: health_check.bind: ")]
    [InlineData("[health_check]\nbind = \"127.0.0.1:-1\"\n", "node.toml:2: health_check.bind: ")]
    [InlineData("[health_check]\npath = \"health\"\n", "node.toml:2: health_check.path: ")]
    [InlineData("[prometheus]\nbind = \"localhost\"\n", "node.toml:2: prometheus.bind: ")]
    [InlineData("[prometheus]\nnamespace = \"my-app\"\n", "node.toml:2: prometheus.namespace: ")]
    [InlineData("[prometheus]\nenable = true\nbind = \":8090\"\n[health_check]\nenable = true\n", "node.toml:3: prometheus.bind: port 8090")]
    [InlineData("[snapshot]\nstore = \"file\"\n", "node.toml:2: snapshot.file.path: required when snapshot.store = \"file\"")]
    public void Settings_that_cannot_be_honoured_are_refused(string toml, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(toml, "node.toml"));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void The_health_flags_override_the_health_check_table()
    {
        var overrides = new ConfigurationOverrides { HealthCheck = true, HealthBind = "127.0.0.1:18090", HealthPath = "/x" };

        var health = ConfigurationLoader.Parse("[health_check]\nenable = false\npath = \"/h\"\n"u8, "node.toml", overrides).Config.HealthCheck;

        Assert.Equal(new HealthCheckConfig { Enable = true, Bind = new HostPort("127.0.0.1", 18090), Path = "/x" }, health);
    }

    [Theory]
    [InlineData("-health-bind", "nowhere")]
    [InlineData("-health-path", "x")]
    public void A_bad_health_flag_is_refused_naming_the_flag(string flag, string value)
    {
        var overrides = flag == "-health-bind" ? new ConfigurationOverrides { HealthBind = value } : new ConfigurationOverrides { HealthPath = value };

        var error = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Parse(""u8, "node.toml", overrides));

        Assert.Contains(flag, error.Message);
    }

    [Fact]
    public void Unknown_keys_are_warnings_with_line_and_suggestion()
    {
        var (config, warnings, _) = Load("""
            db_path = "/x.db"
            scan_max_chnages = 5
            shards = 2
            [snapshots]
            enabled = true
            [nats]
            url = ["nats://a:4222"]
            completely_unrelated = 1
            """, "node-1.toml");

        Assert.Equal(512, config.ScanMaxChanges);
        Assert.Equal(
            [
                "node-1.toml:2: unknown key 'scan_max_chnages' is ignored; did you mean 'scan_max_changes'?",
                "node-1.toml:3: unknown key 'shards' is ignored; did you mean 'replication_log.shards'?",
                "node-1.toml:4: unknown table 'snapshots' is ignored; did you mean 'snapshot'?",
                "node-1.toml:7: unknown key 'nats.url' is ignored; did you mean 'nats.urls'?",
                "node-1.toml:8: unknown key 'nats.completely_unrelated' is ignored",
            ],
            warnings.Select(w => w.ToString()));
        Assert.Equal(["scan_max_chnages", "shards", "snapshots", "nats.url", "nats.completely_unrelated"], warnings.Select(w => w.Key));
    }

    [Fact]
    public void A_toml_syntax_error_names_file_line_and_column()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("db_path = \"/x.db\"\nnode_id = = 2\n", "node-1.toml"));

        Assert.Equal(2, error.Line);
        Assert.StartsWith("node-1.toml:2: column 11: ", error.Message);
    }

    [Fact]
    public void An_empty_seq_map_path_goes_next_to_the_database_as_in_go()
    {
        var config = Load("db_path = \"/srv/data/app.db\"\nseq_map_path = \"\"\n").Config;

        Assert.Equal(Path.Combine("/srv/data", "seq-map.cbor"), config.SeqMapPath);
    }

    [Fact]
    public void The_snapshot_bucket_defaults_from_the_stream_prefix_as_in_go()
    {
        var config = Load("[nats]\nstream_prefix = \"orders\"\n").Config;

        Assert.Equal("orders-snapshot-store", config.Snapshot.Nats.Bucket);
    }

    [Fact]
    public void A_file_is_loaded_by_path_and_a_missing_one_is_an_error()
    {
        using var directory = new TempDirectory();
        var path = directory.File("node.toml");
        File.WriteAllText(path, "node_id = 9\n[replication_log]\nshards = 3\n");

        var loaded = ConfigurationLoader.Load(path, machine: Machine);
        var missing = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(directory.File("absent.toml"), machine: Machine));

        Assert.Equal((9L, 3), (loaded.Config.NodeId, loaded.Config.ReplicationLog.Shards));
        Assert.Equal(directory.File("absent.toml"), missing.Origin);
        Assert.Contains("does not exist", missing.Message);
    }

    [Theory]
    [InlineData("db_path = \"/a.db\"\n\n[nats]\nurls = []\nurls = []\n", 5, "already defined")]
    [InlineData("[snapshot]\nenabled = true\n[replication_log]\n[snapshot]\n", 4, "already defined")]
    [InlineData("[nats]\nbind_address = \"a:1\"\n[nats.bind_address]\n", 3, "already defined")]
    [InlineData("a = 1\nb = { c = [ 1, \n", 3, "")]
    [InlineData("\n\nnode_id = 0xffffffffffffffff\n", 3, "does not fit in 64 bits")]
    public void A_key_or_table_defined_twice_or_broken_toml_is_an_error_on_its_1_based_line(string toml, int line, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(toml, "node-1.toml"));

        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Problem);
        Assert.StartsWith($"node-1.toml:{line}: column ", error.Message);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{ a = ", "}")]
    public void Nesting_thousands_deep_is_a_configuration_error_not_a_crash(string open, string close)
    {
        // 50,000 levels once overflowed the parser's stack and killed the process (exit 134).
        var deep = "db_path = \"/a.db\"\nx = " + string.Concat(Enumerable.Repeat(open, 50_000)) + "1" + string.Concat(Enumerable.Repeat(close, 50_000)) + "\n";

        var error = Assert.Throws<ConfigurationException>(() => Load(deep, "deep.toml"));

        Assert.Equal(2, error.Line);
        Assert.Contains("nest deeper than 32 levels", error.Message);
    }

    [Fact]
    public void A_dotted_key_thousands_deep_is_only_an_unknown_key()
    {
        var (_, warnings, _) = Load(string.Join('.', Enumerable.Repeat("k", 50_000)) + " = 1\n", "deep.toml");

        Assert.Equal("k", Assert.Single(warnings).Key);
    }

    [Fact]
    public void Relative_paths_are_made_absolute_once_at_load()
    {
        var config = Load("""
            db_path = "data/app.db"
            seq_map_path = "seq.cbor"
            [snapshot.file]
            path = "snaps"
            [nats]
            server_config = "conf/nats.conf"
            seed_file = "keys/user.seed"
            ca_file = "tls/ca.pem"
            cert_file = "tls/cert.pem"
            key_file = "tls/key.pem"
            """).Config;

        var here = Directory.GetCurrentDirectory();
        Assert.Equal(Path.Combine(here, "data", "app.db"), config.DbPath);
        Assert.Equal(Path.Combine(here, "seq.cbor"), config.SeqMapPath);
        Assert.Equal(Path.Combine(here, "snaps"), config.Snapshot.File.Path);
        Assert.Equal(
            new[] { "conf/nats.conf", "keys/user.seed", "tls/ca.pem", "tls/cert.pem", "tls/key.pem" }.Select(p => Path.GetFullPath(p)),
            new[] { config.Nats.ServerConfig, config.Nats.SeedFile, config.Nats.CaFile, config.Nats.CertFile, config.Nats.KeyFile });
        Assert.Equal("", Load("").Config.Nats.SeedFile);
    }

    [Fact]
    public void A_directory_given_as_the_configuration_file_is_named_as_one()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(directory.Path, machine: Machine));
        var cmdlet = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(directory.Path, machine: Machine, pathOption: "-ConfigPath"));

        Assert.Equal($"{directory.Path}: -config: is a directory, not a configuration file; give the path of the node's TOML file", error.Message);
        Assert.DoesNotContain("Access to the path", error.Message);
        Assert.Equal("-ConfigPath", cmdlet.Key);
    }

    private static LoadedConfiguration Load(string toml, string origin = "test.toml") =>
        ConfigurationLoader.Parse(Encoding.UTF8.GetBytes(toml), origin, machine: Machine);
}
