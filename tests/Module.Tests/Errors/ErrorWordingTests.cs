using System.Management.Automation;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.EmbeddedNats;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Configuration;
using HarmonyLite.PowerShell.Errors;
using HarmonyLite.PowerShell.Nodes;
using Xunit;

namespace HarmonyLite.Module.Tests.Errors;

/// <summary>Engine errors are reported in the cmdlets' words, from the facts the exceptions carry.</summary>
public sealed class ErrorWordingTests
{
    [Fact]
    public void Capture_not_installed_names_the_cmdlets_not_the_engine_call()
    {
        var message = ErrorWording.Message(new CaptureNotInstalledException("/data/app.db"));
        Assert.Contains("Install-HarmonyTriggers", message);
        Assert.DoesNotContain("CaptureInstaller", message);
    }

    [Fact]
    public void A_missing_configuration_file_is_not_found_and_names_the_parameter()
    {
        var error = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load("/no/such/node.toml"));
        Assert.Equal(ErrorCategory.ObjectNotFound, ErrorClassification.Of(error).Category);
        Assert.Contains("-ConfigPath", ErrorWording.Message(error));
        Assert.DoesNotContain("-config ", ErrorWording.Message(error));
    }

    [Fact]
    public void A_missing_database_with_snapshots_enabled_does_not_ask_to_enable_them()
    {
        var error = new NodeDatabaseMissingException("/data/app.db", snapshotsEnabled: true);
        var classification = ErrorClassification.Of(error);
        Assert.Equal((ErrorCategory.ObjectNotFound, (object)"/data/app.db"), (classification.Category, classification.Target));
        Assert.DoesNotContain("enable snapshots", ErrorWording.Message(error));
        Assert.Contains("sqlite3", ErrorWording.Message(error));
    }

    [Fact]
    public void A_cluster_start_that_timed_out_says_what_to_do_once_and_counts_repeated_output()
    {
        var output = string.Join("\n", Enumerable.Range(0, 40).Select(i => $"[77] 2026/01/02 03:04:{i:00}.123456 [WRN] Healthcheck failed: \"JetStream has not been initialized\""));
        var engine = new EmbeddedNatsServerStartException("nats-server harmonylite-node-1 did not become ready within 60 s: ... or raise StartTimeout.",
            output, new OperationCanceledException());
        var config = new HarmonyConfig
        {
            NodeId = 1,
            Cluster = new ClusterOptions { ListenAddress = new HostPort("127.0.0.1", 4221), Peers = [new Uri("nats://127.0.0.1:4222"), new Uri("nats://127.0.0.1:4223")] },
        };
        var worded = NodeStartTimeoutException.From(engine, config);
        Assert.NotNull(worded);
        Assert.DoesNotContain("StartTimeout", worded.Message);
        Assert.Contains("-ClusterPeers", worded.Message);
        Assert.Contains("Start-HarmonyNode -AsJob", worded.Message);
        Assert.Single(worded.Message.Split('\n'), l => l.Contains("Healthcheck failed"));
        Assert.Contains("(and 39 more like it)", worded.Message);
        Assert.Same(engine, worded.InnerException);
        Assert.Null(NodeStartTimeoutException.From(new EmbeddedNatsServerStartException("exited with code 1"), config));
    }

    [Fact]
    public void The_configuration_the_module_shows_has_no_secret()
    {
        var config = new HarmonyConfig
        {
            Nats = new NatsConfig { UserPassword = "hunter2", Urls = ["nats://u:pw1@host:4222"] },
            Snapshot = new SnapshotConfig
            {
                S3 = new SnapshotS3Config { Secret = "s3secret", SessionToken = "token9" },
                WebDav = new SnapshotWebDavConfig { Url = "https://u:pw2@dav.example/x" },
                Sftp = new SnapshotSftpConfig { Url = "sftp://u:pw3@sftp.example/x" },
            },
            Cluster = new ClusterOptions { Peers = [new Uri("nats://r:pw4@10.0.0.2:4222")], LeafServers = [new LeafServer(new Uri("nats://l:pw5@hub:7422"), true)] },
        };
        var shown = ConfigurationRedaction.WithoutSecrets(config);
        var text = shown.ToString() + string.Join(" ", shown.Cluster.Peers) + string.Join(" ", shown.Cluster.LeafServers) + string.Join(" ", shown.Nats.Urls);
        foreach (var secret in new[] { "hunter2", "pw1", "s3secret", "token9", "pw2", "pw3", "pw4", "pw5" }) Assert.DoesNotContain(secret, text);
        Assert.Equal(config.ToJson(), shown.ToJson()); // what the sidecar's -print-config shows, no more, no less
        Assert.Equal("nats://u:<redacted>@host:4222", shown.Nats.Urls[0]);
        Assert.Equal("https://u:<redacted>@dav.example/x", shown.Snapshot.WebDav.Url);
    }
}
