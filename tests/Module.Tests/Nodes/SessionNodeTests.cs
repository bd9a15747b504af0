using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Module.Tests.Nodes;

/// <summary>A session node runs a real engine node against a real nats-server and SQLite file.</summary>
public sealed class SessionNodeTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("module-session-node");

    [Fact]
    public async Task Starts_replicating_reports_status_and_stops()
    {
        var database = TestDatabases.Create(_directory.File("one.db"), TestDatabases.BooksSchema);
        var (configPath, config) = TestNodes.Configure(_directory, nats.Url, 1, database);
        var node = new SessionNode(configPath, config);
        Assert.Equal(NodeState.Starting, node.State);
        Assert.Null(node.StartedAt);

        await node.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(NodeState.Running, node.State);
            Assert.True(node.IsActive);
            Assert.NotNull(node.StartedAt);
            Assert.Null(node.LastError);
            Assert.Contains(node.RecentLog, r => r.Message.Contains("replicating", StringComparison.Ordinal));
            var status = await node.GetStatusAsync(CancellationToken.None);
            Assert.Equal(NodeState.Running, status.State);
            Assert.Equal(database, status.DatabasePath);
            Assert.Equal($"{config.Nats.StreamPrefix}-1", Assert.Single(status.Shards).Stream);
            await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(CancellationToken.None));
        }
        finally
        {
            await node.StopAsync(CancellationToken.None);
        }
        Assert.Equal(NodeState.Stopped, node.State);
        Assert.False(node.IsActive);
        await node.WaitForCompletionAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_node_that_cannot_start_is_faulted_with_the_reason()
    {
        var (configPath, config) = TestNodes.Configure(_directory, nats.Url, 2, _directory.File("missing.db"));
        var node = new SessionNode(configPath, config);

        await Assert.ThrowsAsync<NodeDatabaseMissingException>(() => node.StartAsync(CancellationToken.None));

        Assert.Equal(NodeState.Faulted, node.State);
        Assert.Contains("does not exist", node.LastError);
        var status = await node.GetStatusAsync(CancellationToken.None);
        Assert.Equal(NodeState.Faulted, status.State);
        Assert.Equal(node.LastError, status.LastError);
        await node.StopAsync(CancellationToken.None); // nothing runs; returns at once
    }

    public void Dispose() => _directory.Dispose();
}
