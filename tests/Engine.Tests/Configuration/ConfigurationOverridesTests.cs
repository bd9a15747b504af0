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
    [InlineData("-cluster-peers", null, "dns://peers.example:4221?min=3", null, "dns:// peer discovery is not available")]
    [InlineData("-leaf-servers", null, null, "ftp://a:1", "expected a URL with one of the schemes nats://, tls://, ws://, wss://")]
    public void Bad_cluster_flags_are_command_line_errors(string flag, string? address, string? peers, string? leaves, string problem)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            Load("node_id = 1", new() { ClusterAddress = address, ClusterPeers = peers, LeafServers = leaves }));

        Assert.Equal(("command line", flag), (error.Origin, error.Key));
        Assert.Contains(problem, error.Message);
    }

    private static HarmonyConfig Load(string toml, ConfigurationOverrides overrides) =>
        ConfigurationLoader.Parse(System.Text.Encoding.UTF8.GetBytes(toml), "test.toml", overrides, Machine).Config;
}
