using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.Engine.Capture;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>
/// Three nodes, the stream on every server, so the other two replicate while one is down or killed; tombstones are
/// purged two seconds after the delete, so the tests also run with deleted rows forgotten.
/// </summary>
public sealed class ColumnMergeClusterFixture : ClusterFixture
{
    protected override ClusterSettings Settings => new()
    {
        Nodes = 3,
        Schema = """
            CREATE TABLE users(id INTEGER PRIMARY KEY NOT NULL, email TEXT, phone TEXT, name TEXT);
            CREATE TABLE profiles(id INTEGER PRIMARY KEY NOT NULL, email TEXT, phone TEXT, name TEXT);
            CREATE TABLE forgotten(id INTEGER PRIMARY KEY NOT NULL, value TEXT);
            """,
        Node = _ => new NodeSettings { Replicas = 3, TombstoneRetention = TimeSpan.FromSeconds(2) },
    };
}

/// <summary>
/// Column-level merge between sidecar processes, the application being the sqlite3 shell: concurrent updates of
/// different columns of one row both survive everywhere, and the same-column, update-versus-delete and
/// delete-then-reinsert cases end as docs/architecture.md ("Conflicts") says, on every node.
/// </summary>
public sealed class ColumnMergeTests : IClassFixture<ColumnMergeClusterFixture>
{
    private readonly ClusterHarness _cluster;

    public ColumnMergeTests(ColumnMergeClusterFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task Concurrent_writes_of_one_row_on_two_nodes_merge_column_by_column_on_every_node()
    {
        await _cluster[3].Database.ExecuteAsync("""
            INSERT INTO users(id, email, phone, name) VALUES
              (1, 'a@old', '111', 'ann'), (2, 'b@old', '112', 'bob'), (3, 'c@old', '113', 'cy'),
              (4, 'd@old', '114', 'dee'), (5, 'e@old', '115', 'eve'), (6, 'f@old', '116', 'fay');
            """);
        await _cluster.WaitForCountAsync("users", 6);
        var (node1, node2) = (_cluster[1], _cluster[2]);

        // Node 1 is down: what its application writes waits in its change log, unseen by the others, while node 2
        // writes the same rows before and after it (each phase after the clock passed the one before).
        Assert.Equal(0, await node1.StopAsync());
        try
        {
            await WriteThenPassTheClockAsync(node2, """
                UPDATE users SET name = 'cy, by node 2 early' WHERE id = 3;
                DELETE FROM users WHERE id = 4;
                DELETE FROM users WHERE id = 6;
                INSERT INTO users(id, email, name) VALUES (6, 'f@reborn', 'fay again');
                """);
            await WriteThenPassTheClockAsync(node1, """
                UPDATE users SET email = 'a@new' WHERE id = 1;
                UPDATE users SET name = 'bob, by node 1 early' WHERE id = 2;
                UPDATE users SET name = 'cy, by node 1 late' WHERE id = 3;
                UPDATE users SET phone = 'node 1, after node 2 deleted the row' WHERE id = 4;
                DELETE FROM users WHERE id = 5;
                UPDATE users SET phone = 'node 1, for the life node 2 ended' WHERE id = 6;
                """);
            await node2.Database.ExecuteAsync("""
                UPDATE users SET phone = '222' WHERE id = 1;
                UPDATE users SET name = 'bob, by node 2 late' WHERE id = 2;
                UPDATE users SET phone = 'node 2, after node 1 deleted the row' WHERE id = 5;
                """);
        }
        finally
        {
            await node1.StartAsync();
        }

        await _cluster.WaitUntilAsync(() => node1.Database.HasPublishedEverythingAsync(), "node 1 publishing what it captured while down");
        await _cluster.WaitConvergedAsync("column merge after node 1 came back");
        string[] expected =
        [
            // Different columns: node 1's email and node 2's phone both survive (the Go original keeps only the phone).
            "integer:1 | text:'a@new' | text:'222' | text:'ann'",
            // The same column: the later write wins, whichever node made it.
            "integer:2 | text:'b@old' | text:'112' | text:'bob, by node 2 late'",
            "integer:3 | text:'c@old' | text:'113' | text:'cy, by node 1 late'",
            // Rows 4 and 5: a delete wins over updates of the row it deleted, even later ones.
            // Row 6: the re-insert began a new life; the update of the old one is dropped.
            "integer:6 | text:'f@reborn' | null:NULL | text:'fay again'",
        ];
        foreach (var node in _cluster.Nodes)
            Assert.Equal(expected, await node.Database.DumpAsync("users"));
    }

    [Fact]
    public async Task A_node_killed_while_three_nodes_update_different_columns_catches_up_to_the_same_rows()
    {
        const int Rows = 50;
        const int Rounds = 30;
        await _cluster[3].Database.ExecuteAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO profiles(id, email, phone, name) SELECT i, 'seed', 'seed', 'seed' FROM n;
            """);
        await _cluster.WaitForCountAsync("profiles", Rows);
        var node1 = _cluster[1];

        // Each node's application sets its own column of every row, round after round. A third of the way in, node 1
        // is killed; its application goes on writing, and its writes wait in its change log until it is back.
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var columns = new Dictionary<int, string> { [1] = "name", [2] = "email", [3] = "phone" };
        var writers = _cluster.Nodes.Select(node => Task.Run(async () =>
        {
            for (var round = 1; round <= Rounds; round++)
            {
                await node.Database.ExecuteAsync($"UPDATE profiles SET {columns[node.Id]} = 'node {node.Id} round {round}';");
                if (node.Id == 1 && round == Rounds / 3)
                {
                    third.SetResult();
                    await killed.Task;
                }
            }
        })).ToList();
        try
        {
            await third.Task;
            await node1.KillAsync();
        }
        finally
        {
            killed.TrySetResult();
        }
        await Task.WhenAll(writers);
        await node1.StartAsync();

        await _cluster.WaitUntilAsync(() => node1.Database.HasPublishedEverythingAsync(), "node 1 publishing what it captured while dead");
        await _cluster.WaitConvergedAsync("three writers of different columns after node 1 was killed");
        var expected = Enumerable.Range(1, Rows)
            .Select(id => $"integer:{id} | text:'node 2 round {Rounds}' | text:'node 3 round {Rounds}' | text:'node 1 round {Rounds}'")
            .ToList();
        foreach (var node in _cluster.Nodes)
            Assert.Equal(expected, await node.Database.DumpAsync("profiles"));
    }

    [Fact]
    public async Task A_purged_tombstone_does_not_let_an_older_update_bring_the_row_back()
    {
        await _cluster[3].Database.ExecuteAsync("INSERT INTO forgotten(id, value) VALUES (1, 'seed'), (2, 'kept');");
        await _cluster.WaitForCountAsync("forgotten", 2);
        var (node1, node2, node3) = (_cluster[1], _cluster[2], _cluster[3]);

        // Node 1 is down while its application updates row 1; later by the clock node 2 deletes it, and nodes 2 and 3
        // forget the delete (the retention is two seconds) before node 1 comes back with its update.
        Assert.Equal(0, await node1.StopAsync());
        try
        {
            await WriteThenPassTheClockAsync(node1, "UPDATE forgotten SET value = 'stale update' WHERE id = 1;");
            await node2.Database.ExecuteAsync("DELETE FROM forgotten WHERE id = 1;");
            await _cluster.WaitUntilAsync(async () =>
                await VersionRowsAsync(node2) == 1 && await VersionRowsAsync(node3) == 1, "nodes 2 and 3 purging the tombstone of row 1");
        }
        finally
        {
            await node1.StartAsync();
        }

        await _cluster.WaitUntilAsync(() => node1.Database.HasPublishedEverythingAsync(), "node 1 publishing its stale update");
        await _cluster.WaitConvergedAsync("a stale update after the tombstone was purged");
        foreach (var node in _cluster.Nodes)
            Assert.Equal(["integer:2 | text:'kept'"], await node.Database.DumpAsync("forgotten"));
        // The stale update waits for an insert of its row's life that never comes, and is purged in turn.
        await _cluster.WaitUntilAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
                if (await VersionRowsAsync(node) != 1) return false;
            return true;
        }, "every node purging what it holds of row 1");
    }

    private static async Task<long> VersionRowsAsync(NodeProcess node) =>
        (long)(await node.Database.ScalarAsync($"SELECT count(*) FROM {NodeDatabase.Quote(CaptureArtifactNames.Versions("forgotten"))}"))!;

    /// <summary>
    /// Runs <paramref name="sql"/> with the node's sqlite3 shell, then waits until the wall clock passed the moment it
    /// finished, so that the next writes anywhere get greater versions (they are milliseconds since 1970 in the high bits).
    /// </summary>
    private async Task WriteThenPassTheClockAsync(NodeProcess node, string sql)
    {
        await node.Database.ExecuteAsync(sql);
        var written = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Eventually.WaitUntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > written + 1, "the clock passing the writes");
    }
}
