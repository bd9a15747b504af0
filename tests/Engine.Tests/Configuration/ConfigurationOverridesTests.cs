using HarmonyLite.Engine.Configuration;
using Xunit;

namespace HarmonyLite.Engine.Tests.Configuration;

/// <summary>-node-id, -cluster-addr, -cluster-peers and -leaf-servers, read as Go HarmonyLite reads them.</summary>
public sealed class ConfigurationOverridesTests
{
    private static readonly MachineIdentity Machine = new([], () => "overrides-host");

    [Fact]
    public void Node_id_flag_replaces_the_file_value_unless_zero()
    {
        Assert.Equal(42, Load("node_id = 1", new() { NodeId = 42 }).NodeId);
        Assert.Equal(1, Load("node_id = 1", new() { NodeId = 0 }).NodeId);
    }

    [Fact]
    public void Cluster_flags_land_in_the_cluster_options()
    {
        var cluster = Load("node_id = 1", new()
        {
            ClusterAddress = "127.0.0.1:4221",
            ClusterPeers = "nats://127.0.0.1:4222/, nats://127.0.0.1:4223/",
            LeafServers = "nats://hub.example:7422?hub=true,tls://leaf.example:7422",
        }).Cluster;

        Assert.Equal(new HostPort("127.0.0.1", 4221), cluster.ListenAddress);
        Assert.Equal([new Uri("nats://127.0.0.1:4222/"), new Uri("nats://127.0.0.1:4223/")], cluster.Peers);
        Assert.Equal([new LeafServer(new Uri("nats://hub.example:7422?hub=true"), true), new LeafServer(new Uri("tls://leaf.example:7422"), false)], cluster.LeafServers);
    }

    [Theory]
    [InlineData("-cluster-addr", "localhost", null, null, "expected host:port")]
    [InlineData("-cluster-peers", null, "127.0.0.1:4222", null, "\"127.0.0.1:4222\"")]
    [InlineData("-cluster-peers", null, "http://a:4222", null, "expected a URL with one of the schemes nats://, nats-route://, tls://")]
    [InlineData("-cluster-peers", null, "nats://a", null, "has no port")]
    [InlineData("-cluster-peers", null, "nats://u:hunter2@a", null, "\"nats://u:<redacted>@a\" has no port")]
    [InlineData("-leaf-servers", null, null, "dns://hub.example:7422", "expected a URL with one of the schemes nats://, tls://, ws://, wss://")]
    [InlineData("-leaf-servers", null, null, "ftp://a:1", "expected a URL with one of the schemes nats://, tls://, ws://, wss://")]
    public void Bad_cluster_flags_are_command_line_errors(string flag, string? address, string? peers, string? leaves, string problem)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            Load("node_id = 1", new() { ClusterAddress = address, ClusterPeers = peers, LeafServers = leaves }));

        Assert.Equal(("command line", flag), (error.Origin, error.Key));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Dns_peers_stand_for_every_address_of_a_name_as_in_go()
    {
        var cluster = Load("node_id = 1", new() { ClusterAddress = ":4221", ClusterPeers = "dns://peers.example:4221?min=3&interval_ms=500" }).Cluster;

        Assert.Equal([new Uri("dns://peers.example:4221?min=3&interval_ms=500")], cluster.Peers);
        Assert.Equal(new HostPort("", 4221), cluster.ListenAddress);
    }

    [Fact]
    public void A_cluster_address_without_peers_is_refused_saying_why_and_what_to_do()
    {
        // nats-server cannot run a JetStream cluster of one: it said "JetStream cluster requires configured routes".
        var error = Assert.Throws<ConfigurationException>(() => Load("node_id = 1", new() { ClusterAddress = "127.0.0.1:4221" }));

        Assert.Equal(("command line", "-cluster-addr"), (error.Origin, error.Key));
        Assert.Contains("is set without -cluster-peers", error.Message);
        Assert.Contains("List the route addresses of the other nodes in -cluster-peers", error.Message);
        Assert.Contains("leave -cluster-addr out to run a single node", error.Message);
    }

    [Fact]
    public void Peers_without_a_cluster_address_are_refused()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("node_id = 1", new() { ClusterPeers = "nats://127.0.0.1:4222" }));

        Assert.Equal("-cluster-peers", error.Key);
        Assert.Contains("Add -cluster-addr HOST:PORT", error.Message);
    }

    [Fact]
    public void Cluster_flags_are_not_checked_for_a_node_on_an_external_nats()
    {
        var config = Load("node_id = 1\n[nats]\nurls = [\"nats://a:4222\"]\n", new() { ClusterAddress = "127.0.0.1:4221" });

        Assert.Equal(new HostPort("127.0.0.1", 4221), config.Cluster.ListenAddress);
    }

    private static HarmonyConfig Load(string toml, ConfigurationOverrides overrides) =>
        ConfigurationLoader.Parse(System.Text.Encoding.UTF8.GetBytes(toml), "test.toml", overrides, Machine).Config;
}
