using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Nodes;
using Xunit;

namespace HarmonyLite.Module.Tests.Nodes;

/// <summary>The session's list of nodes; these nodes are never started, so they stay "starting" (active) unless stopped.</summary>
public sealed class SessionNodeRegistryTests
{
    private static SessionNode Node(long id, string database) =>
        new($"/etc/harmonylite/node-{id}.toml", new HarmonyConfig { NodeId = id, DbPath = database });

    [Fact]
    public void Lists_and_finds_the_sessions_nodes_by_id()
    {
        var registry = new SessionNodeRegistry();
        var three = Node(3, "/data/three.db");
        var one = Node(1, "/data/one.db");
        registry.Add(three);
        registry.Add(one);

        Assert.Equal([one, three], registry.Nodes);
        Assert.Same(three, registry.Find(3));
        Assert.Null(registry.Find(2));
        Assert.Same(one, registry.ActiveOn("/data/one.db"));
        Assert.Null(registry.ActiveOn("/data/two.db"));
    }

    [Fact]
    public void Refuses_a_second_active_node_with_the_same_id()
    {
        var registry = new SessionNodeRegistry();
        registry.Add(Node(1, "/data/one.db"));
        var error = Assert.Throws<NodeAlreadyRunningException>(() => registry.Add(Node(1, "/data/other.db")));
        Assert.Contains("Stop-HarmonyNode -NodeId 1", error.Message);
        Assert.Equal("/data/one.db", Assert.Single(registry.Nodes).DatabasePath);
    }

    [Fact]
    public void Refuses_a_second_active_node_on_the_same_database()
    {
        var registry = new SessionNodeRegistry();
        registry.Add(Node(1, "/data/one.db"));
        var error = Assert.Throws<DatabaseInUseByNodeException>(() => registry.Add(Node(2, "/data/../data/one.db")));
        Assert.Contains("node 1", error.Message);
    }

    [Fact]
    public async Task A_stopped_node_gives_way_to_a_new_one_and_only_the_current_one_is_removed()
    {
        var registry = new SessionNodeRegistry();
        var first = Node(1, "/data/one.db");
        registry.Add(first);
        await first.StopAsync(CancellationToken.None);
        Assert.Equal(NodeState.Stopped, first.State);
        Assert.Null(registry.ActiveOn("/data/one.db"));

        var second = Node(1, "/data/one.db");
        registry.Add(second);
        Assert.False(registry.Remove(first));
        Assert.Same(second, registry.Find(1));
        Assert.True(registry.Remove(second));
        Assert.Empty(registry.Nodes);
    }
}
