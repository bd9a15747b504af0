using System.Collections.Concurrent;
using System.Management.Automation;
using HarmonyLite.Engine.Node;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.PowerShell.Jobs;
using HarmonyLite.PowerShell.Nodes;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Module.Tests.Jobs;

/// <summary>The state, output and log a node job shows, driven by a real node.</summary>
public sealed class NodeJobDriverTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("module-node-job");
    private readonly ConcurrentQueue<(JobState State, Exception? Reason)> _states = new();
    private readonly ConcurrentQueue<NodeStatus> _statuses = new();
    private readonly ConcurrentQueue<HarmonyLogRecord> _log = new();

    private NodeJobDriver Driver(SessionNode node) =>
        new(node, (state, reason) => _states.Enqueue((state, reason)), _statuses.Enqueue, _log.Enqueue);

    private SessionNode Node(long id, string database, string extra = "")
    {
        var (configPath, config) = TestNodes.Configure(_directory, nats.Url, id, database, extra);
        return new SessionNode(configPath, config);
    }

    [Fact]
    public async Task The_job_runs_while_the_node_replicates_and_is_stopped_with_it()
    {
        var node = Node(1, TestDatabases.Create(_directory.File("one.db"), TestDatabases.BooksSchema));
        var driver = Driver(node);
        Assert.Equal(JobState.NotStarted, driver.State);

        var run = driver.RunAsync();
        await Eventually.WaitUntilAsync(() => driver.State == JobState.Running, "the job to run", describe: () => $"{driver.State}, node {node.State}");
        Assert.Equal(NodeState.Running, node.State);
        Assert.Equal(NodeState.Running, Assert.Single(_statuses).State);
        Assert.Contains(_log, r => r.Message.Contains("replicating", StringComparison.Ordinal));

        await driver.StopAsync(CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([JobState.Running, JobState.Stopping, JobState.Stopped], _states.Select(s => s.State));
        Assert.All(_states, s => Assert.Null(s.Reason));
        Assert.Equal(NodeState.Stopped, _statuses.Last().State);
        Assert.Equal(NodeState.Stopped, node.State);
        Assert.True(driver.Finished.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_node_that_cannot_start_fails_the_job_with_the_reason()
    {
        var node = Node(2, _directory.File("missing.db"));
        var driver = Driver(node);

        await driver.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var (state, reason) = Assert.Single(_states);
        Assert.Equal(JobState.Failed, state);
        Assert.IsType<NodeDatabaseMissingException>(reason);
        Assert.Equal(NodeState.Faulted, Assert.Single(_statuses).State);
    }

    [Fact]
    public async Task A_node_that_ends_by_itself_completes_the_job()
    {
        // sleep_timeout: the node stops on its own after a second without replication activity.
        var node = Node(3, TestDatabases.Create(_directory.File("three.db"), TestDatabases.BooksSchema), "sleep_timeout = 1000");
        var driver = Driver(node);

        await driver.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([JobState.Running, JobState.Completed], _states.Select(s => s.State));
        Assert.Equal(NodeState.Stopped, node.State);
        Assert.Contains(_log, r => r.Message.Contains("sleep_timeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Final_states_follow_how_the_node_ended()
    {
        Assert.Equal(JobState.Stopped, NodeJobDriver.FinalState(stopRequested: true, failure: null));
        Assert.Equal(JobState.Completed, NodeJobDriver.FinalState(stopRequested: false, failure: null));
        Assert.Equal(JobState.Failed, NodeJobDriver.FinalState(stopRequested: true, failure: new HarmonyNodeException("x")));
    }

    public void Dispose() => _directory.Dispose();
}
