using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.Engine.Replication;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>
/// Three nodes that keep their change logs for the whole run, so a test can read back every write every node made, and
/// keep the stream on all three servers, so the others replicate while one node is down.
/// </summary>
public sealed class ConflictClusterFixture : ClusterFixture
{
    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = """
            CREATE TABLE contested(id INTEGER PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE raced(id INTEGER PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE stale(id INTEGER PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            """,
        Node = _ => new NodeSettings { CleanupInterval = TimeSpan.FromHours(1), Replicas = 3 },
    };
}

/// <summary>
/// Concurrent conflicting writes on several nodes end in the same state everywhere, and that state is the one the merge
/// rules define (docs/architecture.md, "Conflicts"): for every row, the newest life event of all nodes' writes, and
/// within a live row the write with the greatest (hlc, node id).
/// </summary>
public sealed class ConflictTests : IClassFixture<ConflictClusterFixture>
{
    private const int Rows = 100;
    private readonly ClusterHarness _cluster;

    public ConflictTests(ConflictClusterFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task Three_nodes_updating_the_same_rows_concurrently_end_identical_with_the_greatest_version_of_every_row()
    {
        await SeedAsync("contested");

        // Every node updates all rows in each of 50 rounds, all three at once; pauses let the other nodes' changes arrive in between.
        await Task.WhenAll(_cluster.Nodes.Select(node => Task.Run(async () =>
        {
            var random = new Random(node.Id);
            await using var connection = node.Database.Open();
            for (var round = 1; round <= 50; round++)
            {
                await ExecuteAsync(connection, "UPDATE contested SET value = $value", ("$value", $"node {node.Id} round {round}"));
                await Task.Delay(random.Next(0, 15));
            }
        })));

        await _cluster.WaitConvergedAsync("concurrent updates");
        await AssertDumpsEqualAsync("contested");
        await AssertGreatestVersionsWonAsync("contested");
    }

    [Fact]
    public async Task A_delete_racing_updates_ends_identical_everywhere_and_no_update_of_the_deleted_row_brings_it_back()
    {
        await SeedAsync("raced");

        // Node 1 deletes the rows one by one while nodes 2 and 3 keep updating all of them.
        var deleter = Task.Run(async () =>
        {
            await using var connection = _cluster[1].Database.Open();
            for (var id = 1; id <= Rows; id++)
            {
                await ExecuteAsync(connection, "DELETE FROM raced WHERE id = $id", ("$id", id));
                await Task.Delay(id % 3);
            }
        });
        var updaters = new[] { _cluster[2], _cluster[3] }.Select(node => Task.Run(async () =>
        {
            await using var connection = node.Database.Open();
            for (var round = 1; round <= 20; round++)
            {
                await ExecuteAsync(connection, "UPDATE raced SET value = $value", ("$value", $"node {node.Id} round {round}"));
                await Task.Delay(5);
            }
        }));
        await Task.WhenAll(updaters.Append(deleter));

        await _cluster.WaitConvergedAsync("deletes racing updates");
        await AssertDumpsEqualAsync("raced");
        await AssertGreatestVersionsWonAsync("raced");
    }

    [Fact]
    public async Task An_update_older_than_a_delete_that_arrives_after_it_does_not_resurrect_the_row()
    {
        // Node 3 will be down: the other two go on only if the stream has a copy on each of their servers too.
        Assert.Contains(_cluster.Nodes, n => n.Log.Contains("Created stream harmonylite-changes-1 (subject harmonylite-change-log-1, 1000000 messages kept, 3 replicas)"));
        await SeedAsync("stale");
        var node3 = _cluster[3];
        try
        {
            // Node 3 is down while its application updates every row: the updates wait in its change log.
            Assert.Equal(0, await node3.StopAsync());
            await node3.Database.ExecuteAsync("UPDATE stale SET value = 'stale update from node 3';");
            var staleVersions = await CapturedWrites.ReadVersionsAsync(node3.Database, "stale");
            var newestStale = staleVersions.Values.Max(v => v.Greatest.Hlc) >> RowVersion.LogicalBits;
            // The delete must be newer than every stale update: let the wall clock pass the updates' millisecond.
            await Eventually.WaitUntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > newestStale + 1, "the clock passing the stale updates");
            await _cluster[1].Database.ExecuteAsync("DELETE FROM stale;");
            await _cluster.WaitForCountAsync("stale", 0, "1", _cluster[1], _cluster[2]);

            var deletes = await CapturedWrites.ReadVersionsAsync(_cluster[1].Database, "stale");
            Assert.All(deletes, d => Assert.True(d.Value.Tombstone && d.Value.Life > staleVersions[d.Key].Greatest, $"row {d.Key}: delete {d.Value.Life} is not newer than the stale update {staleVersions[d.Key].Greatest}"));

            // Back up, node 3 publishes its older updates and applies the newer deletes. A marker it writes afterwards
            // travels behind its updates on the same stream, so once the marker is everywhere, so were the updates.
            await node3.StartAsync();
            await node3.Database.ExecuteAsync("INSERT INTO stale(id, value) VALUES (1000, 'marker from node 3');");
            await _cluster.WaitForCountAsync("stale", 1, "id = 1000");
            await _cluster.WaitConvergedAsync("stale updates after deletes");

            foreach (var node in _cluster.Nodes)
            {
                Assert.Equal(0, await node.Database.CountAsync("stale", "id <> 1000"));
                var versions = await CapturedWrites.ReadVersionsAsync(node.Database, "stale");
                Assert.All(deletes, d => Assert.Equal(d.Value, versions[d.Key]));
            }
        }
        finally
        {
            if (!node3.IsRunning) await node3.StartAsync();
        }
    }

    /// <summary>Node 1 inserts rows 1 to <see cref="Rows"/>; returns once every node has them.</summary>
    private async Task SeedAsync(string table)
    {
        await _cluster[1].Database.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO {table}(id, value) SELECT i, 'seed ' || i FROM n;
            """);
        await _cluster.WaitForCountAsync(table, Rows);
    }

    private async Task AssertDumpsEqualAsync(string table)
    {
        var first = await _cluster[1].Database.DumpAsync(table);
        foreach (var node in _cluster.Nodes.Skip(1))
            Assert.Equal(first, await node.Database.DumpAsync(table));
    }

    /// <summary>
    /// Every node's rows and version table match what the merge of all writes all nodes captured makes of each row:
    /// present with the winning value, or absent (with a tombstone) when its newest life event was a delete.
    /// </summary>
    private async Task AssertGreatestVersionsWonAsync(string table)
    {
        var writes = new List<CapturedWrite>();
        foreach (var node in _cluster.Nodes) writes.AddRange(await CapturedWrites.ReadAsync(node.Database, table, "id", "value"));
        var winners = CapturedWrites.Winners(writes);
        Assert.Equal(Rows, winners.Count);
        Assert.All(_cluster.Nodes, node => Assert.Contains(writes, w => w.Version.NodeId == node.Id && w.Operation != ChangeOperation.Insert));

        foreach (var node in _cluster.Nodes)
        {
            var versions = await CapturedWrites.ReadVersionsAsync(node.Database, table);
            var rows = (await SqliteShell.QueryAsync(node.Database.Path, $"SELECT id, value FROM {table};"))
                .Select(line => line.Split('|', 2)).ToDictionary(p => long.Parse(p[0]), p => p[1]);
            foreach (var (key, winner) in winners)
            {
                Assert.Equal((winner.Life, winner.Deleted), (versions[key].Life, versions[key].Tombstone));
                if (winner.Deleted)
                    Assert.False(rows.ContainsKey(key), $"node {node.Id}: row {key} exists, but its newest life event {winner.Life} deleted it");
                else
                    Assert.Equal(winner.Value, rows.GetValueOrDefault(key));
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
