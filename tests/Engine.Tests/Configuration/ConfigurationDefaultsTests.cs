using HarmonyLite.Engine.Configuration;
using Xunit;

namespace HarmonyLite.Engine.Tests.Configuration;

/// <summary>With nothing set, every value is Go HarmonyLite's default (cfg/config.go), plus our additions' defaults.</summary>
public sealed class ConfigurationDefaultsTests
{
    private static readonly MachineIdentity Machine = new([], () => "defaults-host");

    [Fact]
    public void An_empty_file_gives_the_go_defaults()
    {
        var config = ConfigurationLoader.Parse(""u8, "empty.toml", machine: Machine).Config;
        var temp = Path.GetTempPath();

        Assert.Equal(Path.Combine(temp, "harmonylite.db"), config.DbPath);
        Assert.Equal(Path.Combine(temp, "seq-map.cbor"), config.SeqMapPath);
        Assert.True(config.Publish);
        Assert.True(config.Replicate);
        Assert.Equal(512, config.ScanMaxChanges);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), config.CleanupInterval);
        Assert.Equal(TimeSpan.Zero, config.SleepTimeout);
        Assert.Equal(TimeSpan.Zero, config.PollingInterval);

        Assert.True(config.Snapshot.Enabled);
        Assert.Equal(SnapshotStoreKind.Nats, config.Snapshot.Store);
        Assert.Equal(TimeSpan.Zero, config.Snapshot.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Snapshot.LeaderTtl);
        Assert.Equal(3, config.Snapshot.Keep);
        Assert.Equal(1, config.Snapshot.Nats.Replicas);
        Assert.Equal("harmonylite-changes-snapshot-store", config.Snapshot.Nats.Bucket);
        Assert.Equal("", config.Snapshot.File.Path);
        Assert.Equal(new SnapshotS3Config(), config.Snapshot.S3);

        Assert.Equal(1, config.ReplicationLog.Shards);
        Assert.Equal(1024, config.ReplicationLog.MaxEntries);
        Assert.Equal(1, config.ReplicationLog.Replicas);
        Assert.True(config.ReplicationLog.Compress);
        Assert.False(config.ReplicationLog.UpdateExisting);

        Assert.Empty(config.Nats.Urls);
        Assert.True(config.Nats.UsesEmbeddedServer);
        Assert.Equal("harmonylite-change-log", config.Nats.SubjectPrefix);
        Assert.Equal("harmonylite-changes", config.Nats.StreamPrefix);
        // Ours: loopback, where Go listens on every interface (the node is its embedded server's only client).
        Assert.Equal(new HostPort("127.0.0.1", -1), config.Nats.BindAddress);
        Assert.Equal("", config.Nats.ClusterSecret);
        Assert.Equal("", config.Nats.ServerConfig);
        Assert.Equal(5, config.Nats.ConnectRetries);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Nats.ReconnectWait);

        Assert.Equal(new PrometheusConfig { Enable = false, Bind = new HostPort("", 3010), Namespace = "harmonylite", Subsystem = "" }, config.Prometheus);
        Assert.Equal(new LoggingConfig { Verbose = false, Format = LogFormat.Console }, config.Logging);
        Assert.Equal(new HealthCheckConfig { Enable = false, Bind = new HostPort("0.0.0.0", 8090), Path = "/health", Detailed = true }, config.HealthCheck);
        Assert.Null(config.Cluster.ListenAddress);
        Assert.Empty(config.Cluster.Peers);
        Assert.Empty(config.Cluster.LeafServers);
    }

    [Fact]
    public void No_config_path_means_the_defaults_as_in_go()
    {
        var fromNothing = ConfigurationLoader.Load(null, machine: Machine);
        var fromEmptyFile = ConfigurationLoader.Parse(""u8, "empty.toml", machine: Machine);

        Assert.Equal(fromEmptyFile.Config.ToJson(), fromNothing.Config.ToJson());
        Assert.Empty(fromNothing.Warnings);
    }
}
