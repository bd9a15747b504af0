using HarmonyLite.Engine.EmbeddedNats;
using Xunit;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

/// <summary>The text of the generated configuration (that nats-server reads it is proven by the server tests).</summary>
public sealed class NatsServerConfigTests
{
    private static NatsServerConfig Config(NatsClusterSettings? cluster = null, IReadOnlyList<NatsLeafRemote>? leaves = null, string? include = null) => new(
        "harmonylite-node-3",
        new HostPort("0.0.0.0", HostPort.AnyPort),
        new HostPort("127.0.0.1", 8222),
        "/data/nats/harmonylite-node-3",
        "/data/nats/harmonylite-node-3",
        cluster,
        leaves ?? [],
        include);

    [Fact]
    public void A_single_server_has_name_listen_monitor_ports_file_and_JetStream_store()
    {
        var text = Config().Render();

        Assert.Contains("server_name: \"harmonylite-node-3\"\n", text);
        Assert.Contains("host: \"0.0.0.0\"\nport: -1\n", text);
        Assert.Contains("http: \"127.0.0.1:8222\"\n", text);
        Assert.Contains("ports_file_dir: \"/data/nats/harmonylite-node-3\"\n", text);
        Assert.Contains("jetstream {\n  store_dir: \"/data/nats/harmonylite-node-3\"\n}\n", text);
        Assert.DoesNotContain("cluster", text);
        Assert.DoesNotContain("leafnodes", text);
        Assert.DoesNotContain("\ninclude ", text);
    }

    [Fact]
    public void A_cluster_block_has_name_listen_and_routes()
    {
        var text = Config(new NatsClusterSettings("e-harmonylite", new HostPort("::1", 6222), ["nats://10.0.0.2:6222", "nats://[fd00::3]:6222"])).Render();

        Assert.Contains(
            "cluster {\n  name: \"e-harmonylite\"\n  listen: \"[::1]:6222\"\n  routes: [\"nats://10.0.0.2:6222\", \"nats://[fd00::3]:6222\"]\n}\n",
            text);
    }

    [Fact]
    public void Leaf_remotes_carry_their_hub_flag()
    {
        var text = Config(leaves: [new NatsLeafRemote("nats-leaf://hub.example:7422", Hub: true), new NatsLeafRemote("nats://other:7422", Hub: false)]).Render();

        Assert.Contains("leafnodes {\n  remotes: [\n", text);
        Assert.Contains("{ urls: [\"nats-leaf://hub.example:7422\"], hub: true }", text);
        Assert.Contains("{ urls: [\"nats://other:7422\"], hub: false }", text);
    }

    [Fact]
    public void The_include_comes_last_so_the_users_settings_win()
    {
        var text = Config(include: "../../etc/my nats.conf").Render();

        Assert.EndsWith("include \"../../etc/my nats.conf\"\n", text.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a \"quoted\" word", "\"a \\\"quoted\\\" word\"")]
    [InlineData(@"C:\data\nats", @"""C:\\data\\nats""")]
    [InlineData("$HOME stays literal", "\"$HOME stays literal\"")]
    [InlineData("tab\tnewline\ncr\r", "\"tab\\tnewline\\ncr\\r\"")]
    [InlineData("bell\u0007", "\"bell\\x07\"")]
    [InlineData("café", "\"café\"")]
    public void Strings_are_quoted_so_nats_server_reads_them_back_unchanged(string value, string quoted) =>
        Assert.Equal(quoted, NatsConfigSyntax.Quote(value));
}
