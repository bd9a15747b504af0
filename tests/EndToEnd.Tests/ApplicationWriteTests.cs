using System.Text;
using HarmonyLite.EndToEnd.Tests.Harness;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>What an application writing a node's database meets: nothing lost, nothing rewritten, no node stopped.</summary>
public sealed partial class ReplicationTests
{
    [Fact]
    public async Task Rows_written_in_the_same_call_as_their_create_table_reach_every_node()
    {
        foreach (var node in new[] { _cluster[2], _cluster[3] })
        {
            var mark = node.Log.Mark();
            await node.Database.ExecuteAsync("CREATE TABLE born_full(id INTEGER PRIMARY KEY, note TEXT);");
            await _cluster.WaitUntilAsync(() => Task.FromResult(node.Log.Contains("Watching table born_full", mark)), $"node {node.Id} watching born_full");
        }

        // One sqlite3 call: the rows are in the table before node 1 has noticed the table, let alone put triggers on it.
        await _cluster[1].Database.ExecuteAsync("CREATE TABLE born_full(id INTEGER PRIMARY KEY, note TEXT); INSERT INTO born_full VALUES (1, 'one'), (2, 'two');");
        await _cluster[1].Database.ExecuteAsync("INSERT INTO born_full VALUES (3, 'three');");

        await _cluster.WaitForCountAsync("born_full", 3);
        await _cluster.WaitConvergedAsync("rows written before the triggers existed");
    }

    [Fact]
    public async Task Text_that_is_not_valid_utf8_replicates_as_its_bytes()
    {
        await _cluster[1].Database.ExecuteAsync("""
            INSERT INTO documents(id, body) VALUES ('raw-1', CAST(x'ff00fe' AS TEXT)), ('raw-2', CAST(x'c328' AS TEXT)), ('raw-3', CAST(x'e282' AS TEXT));
            UPDATE documents SET body = CAST(x'41ff42' AS TEXT) WHERE id = 'raw-3';
            """);
        await _cluster.WaitForCountAsync("documents", 3, "id LIKE 'raw-%'");

        foreach (var node in _cluster.Nodes)
            Assert.Equal(["raw-1|text|FF00FE", "raw-2|text|C328", "raw-3|text|41FF42"],
                await SqliteShell.QueryAsync(node.Database.Path, "SELECT id, typeof(body), hex(body) FROM documents WHERE id LIKE 'raw-%' ORDER BY id;"));
        await _cluster.WaitConvergedAsync("text that is not UTF-8");
    }

    [Fact]
    public async Task An_application_keeps_writing_single_rows_at_full_speed_into_a_large_table_and_no_node_stops()
    {
        // 100,000 rows with an INTEGER key: a trigger that could not seek the version table took milliseconds per write.
        await _cluster[1].Database.ExecuteAsync(
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100000) INSERT INTO counted SELECT i, 0 FROM c;");
        await _cluster.WaitForCountAsync("counted", 100_000);

        var writes = new StringBuilder();
        for (var i = 1; i <= 20_000; i++)
            writes.Append(i % 2 == 0 ? $"INSERT INTO counted VALUES ({100_000 + i}, {i});\n" : $"UPDATE counted SET n = n + 1 WHERE id = {i * 5};\n");
        // 20,000 transactions of one row each, by a program that knows nothing of HarmonyLite (it waits up to 30 s for a lock).
        await _cluster[1].Database.ExecuteAsync(writes.ToString());

        await _cluster.WaitForCountAsync("counted", 110_000);
        await _cluster.WaitForCountAsync("counted", 10_000, "n = 1");
        await _cluster.WaitConvergedAsync("20,000 single-row writes on a 100,000-row table");
        Assert.All(_cluster.Nodes, n => Assert.True(n.IsRunning, $"node {n.Id} stopped:\n{n.Log.Tail(30)}"));
    }

    [Fact]
    public async Task An_application_with_a_one_second_busy_timeout_is_never_refused_while_its_node_applies_other_nodes_writes()
    {
        static string Inserts(int first, int count, int origin) =>
            string.Concat(Enumerable.Range(first, count).Select(id => $"INSERT INTO contended VALUES ({id}, {origin});\n"));

        // Node 2 writes a stream of single-row transactions, so node 1 keeps taking its write lock to apply them, while
        // the application on node 1 writes its own with a busy timeout of 1 s: a node that kept the lock, or retook it
        // before a waiting application could, would make one of them fail with "database is locked" (sqlite3 -bail).
        var others = _cluster[2].Database.ExecuteAsync(Inserts(1, 3_000, 2));
        await SqliteShell.RunAsync(_cluster[1].Database.Path, Inserts(100_001, 3_000, 1), TimeSpan.FromSeconds(1));
        await others;

        await _cluster.WaitForCountAsync("contended", 6_000);
        await _cluster.WaitConvergedAsync("the application's writes beside the applied ones");
        Assert.All(_cluster.Nodes, n => Assert.True(n.IsRunning, $"node {n.Id} stopped:\n{n.Log.Tail(30)}"));
    }
}
