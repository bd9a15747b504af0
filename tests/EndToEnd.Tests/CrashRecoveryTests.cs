using System.Text.RegularExpressions;
using HarmonyLite.EndToEnd.Tests.Harness;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>Three nodes, the stream on every server (so it outlives one of them), node 3 logging every message it applies.</summary>
public sealed class CrashClusterFixture : ClusterFixture
{
    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = """
            CREATE TABLE events(id TEXT PRIMARY KEY NOT NULL, origin INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE counters(id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL);
            """,
        Node = id => new NodeSettings { Replicas = 3, Verbose = id == 3 },
    };
}

/// <summary>A node killed with SIGKILL while the others write catches up after restart, without losing or repeating a change.</summary>
public sealed partial class CrashRecoveryTests : IClassFixture<CrashClusterFixture>
{
    private const int Transactions = 100;
    private const int RowsPerTransaction = 25;
    private const int CountersPerWriter = 10;
    private const int RowsInTotal = 2 * Transactions * RowsPerTransaction;

    private readonly ClusterHarness _cluster;
    private readonly ITestOutputHelper _output;

    public CrashRecoveryTests(CrashClusterFixture fixture, ITestOutputHelper output)
    {
        _cluster = fixture.Cluster;
        _output = output;
    }

    [Fact]
    public async Task A_node_killed_while_the_others_write_5000_rows_catches_up_after_restart_and_applies_no_change_twice()
    {
        await _cluster[1].Database.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
            INSERT INTO counters(id, n) SELECT i, 0 FROM n;
            """);
        await _cluster.WaitForCountAsync("counters", 20);
        var node3 = _cluster[3];

        // Nodes 1 and 2 each write 2,500 rows in 100 transactions; every transaction also increments that node's own ten
        // counters by one, so each counter is incremented exactly 100 times. A third of the way in they wait until node 3
        // has been killed, so it dies with writes behind it and ahead of it.
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = new[] { _cluster[1], _cluster[2] }.Select(node => Task.Run(() => WriteAsync(node, killed.Task))).ToList();

        await _cluster.WaitUntilAsync(async () => await node3.Database.CountAsync("events") > 0, "node 3 applying the first rows");
        await node3.KillAsync();
        var rowsWhenKilled = await node3.Database.CountAsync("events");
        killed.SetResult();
        Assert.True(rowsWhenKilled < RowsInTotal, $"node 3 already had all {rowsWhenKilled} rows when it was killed");
        var leftBehind = Assert.Single(node3.LeftBehindServers);
        Assert.True(node3.IsOwnProcessAlive(leftBehind), "SIGKILL should leave the node's nats-server running, as a crash does");

        await Task.WhenAll(writers);
        await _cluster.WaitForCountAsync("events", RowsInTotal, "1", _cluster[1], _cluster[2]);

        var restartedAt = node3.Log.Mark();
        await node3.StartAsync();
        Assert.False(node3.IsOwnProcessAlive(leftBehind), $"the restarted node did not stop the nats-server (pid {leftBehind}) its crash left behind");
        await _cluster.WaitForCountAsync("events", RowsInTotal);
        await _cluster.WaitConvergedAsync("after node 3 caught up");

        foreach (var node in _cluster.Nodes)
        {
            Assert.Equal(["20|100|100|2000"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT count(*), min(n), max(n), sum(n) FROM counters;"));
            Assert.Equal([$"{RowsInTotal / 2}|{RowsInTotal / 2}"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT sum(origin = 1), sum(origin = 2) FROM events;"));
        }

        // Each message node 3 applied is logged once with its stream sequence: a sequence logged twice was applied twice.
        var applied = node3.Log.LinesSince().Select(l => AppliedLine().Match(l)).Where(m => m.Success).Select(m => ulong.Parse(m.Groups["sequence"].Value)).ToList();
        Assert.NotEmpty(applied);
        var twice = applied.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"node 3 applied stream messages {string.Join(", ", twice)} more than once");
        var appliedAfterRestart = node3.Log.LinesSince(restartedAt).Count(l => AppliedLine().IsMatch(l));
        _output.WriteLine($"node 3 was killed holding {rowsWhenKilled} of {RowsInTotal} rows; it applied {applied.Count - appliedAfterRestart} messages before and {appliedAfterRestart} after its restart");
        Assert.True(appliedAfterRestart > 0, "node 3 applied nothing after its restart");
    }

    private static async Task WriteAsync(NodeProcess node, Task killed)
    {
        await using var connection = node.Database.Open();
        var firstCounter = (node.Id - 1) * CountersPerWriter + 1;
        for (var transaction = 0; transaction < Transactions; transaction++)
        {
            if (transaction == Transactions / 3) await killed;
            await using var write = connection.BeginTransaction();
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = write;
                insert.CommandText = "INSERT INTO events(id, origin, body) VALUES ($id, $origin, $body)";
                var id = insert.Parameters.Add("$id", SqliteType.Text);
                insert.Parameters.AddWithValue("$origin", node.Id);
                var body = insert.Parameters.Add("$body", SqliteType.Text);
                for (var row = 0; row < RowsPerTransaction; row++)
                {
                    id.Value = $"n{node.Id}-t{transaction}-r{row}";
                    body.Value = $"event {row} of transaction {transaction} on node {node.Id}";
                    await insert.ExecuteNonQueryAsync();
                }
            }
            await using (var increment = connection.CreateCommand())
            {
                increment.Transaction = write;
                increment.CommandText = "UPDATE counters SET n = n + 1 WHERE id BETWEEN $first AND $last";
                increment.Parameters.AddWithValue("$first", firstCounter);
                increment.Parameters.AddWithValue("$last", firstCounter + CountersPerWriter - 1);
                await increment.ExecuteNonQueryAsync();
            }
            await write.CommitAsync();
        }
    }

    [GeneratedRegex(@"Applied harmonylite-changes-1 #(?<sequence>\d+) from node")]
    private static partial Regex AppliedLine();
}
