using HarmonyLite.Engine.Configuration;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Configuration;

/// <summary>A missing node_id is derived from the machine, stably, as Go HarmonyLite does (FNV-1 64 of the machine id).</summary>
public sealed class NodeIdDerivationTests
{
    [Theory]
    [InlineData("", 0x4bf29ce484222325)] // FNV-1 64 offset basis 0xcbf29ce484222325, top bit cleared
    [InlineData("a", 0x2f63bd4c8601b7be)] // FNV-1 64 of "a" is 0xaf63bd4c8601b7be
    public void The_hash_is_fnv1_64_with_the_top_bit_cleared(string machineId, long expected)
    {
        Assert.Equal(expected, NodeIdDerivation.FromMachineId(machineId));
    }

    [Fact]
    public void The_first_machine_id_file_with_content_wins_and_the_notice_says_so()
    {
        using var directory = new TempDirectory();
        var empty = directory.File("empty-machine-id");
        var real = directory.File("machine-id");
        File.WriteAllText(empty, "\n");
        File.WriteAllText(real, "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
        var machine = new MachineIdentity([directory.File("absent"), empty, real], () => "ignored-host");

        var first = ConfigurationLoader.Parse(""u8, "test.toml", machine: machine);
        var second = ConfigurationLoader.Parse(""u8, "test.toml", machine: machine);

        var expected = NodeIdDerivation.FromMachineId("3d1219c7c4c5404aaa1f6d2a48adfda4");
        Assert.Equal(expected, first.Config.NodeId);
        Assert.Equal(expected, second.Config.NodeId);
        Assert.Equal([$"node_id not set; derived {expected} from the machine id"], first.Notices);
    }

    [Fact]
    public void Without_a_machine_id_the_host_name_is_used()
    {
        var machine = new MachineIdentity(["/nonexistent/machine-id"], () => "build-agent-7");

        var loaded = ConfigurationLoader.Parse(""u8, "test.toml", machine: machine);

        Assert.Equal(NodeIdDerivation.FromMachineId("build-agent-7"), loaded.Config.NodeId);
        Assert.Equal([$"node_id not set; derived {loaded.Config.NodeId} from the host name"], loaded.Notices);
    }

    [Fact]
    public void Nothing_to_derive_from_is_an_error_that_says_what_to_set()
    {
        var machine = new MachineIdentity(["/nonexistent/machine-id"], () => " ");

        var error = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Parse(""u8, "test.toml", machine: machine));

        Assert.Equal("node_id", error.Key);
        Assert.Contains("set node_id or pass -node-id", error.Message);
    }

    [Fact]
    public void A_configured_node_id_is_kept_and_nothing_is_derived()
    {
        var loaded = ConfigurationLoader.Parse("node_id = 12"u8, "test.toml", machine: new MachineIdentity([], () => "host"));

        Assert.Equal(12, loaded.Config.NodeId);
        Assert.Empty(loaded.Notices);
    }
}
