using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.Engine.Capture;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>Three nodes with embedded nats-servers routed into one cluster; every test uses its own tables.</summary>
public sealed class ReplicationClusterFixture : ClusterFixture
{
    public const string Schema = """
        CREATE TABLE customers(id TEXT PRIMARY KEY NOT NULL, name TEXT, balance REAL, visits INTEGER, photo BLOB, note TEXT, extra);
        CREATE TABLE order_lines(order_id TEXT NOT NULL, line INTEGER NOT NULL, product TEXT, qty INTEGER, PRIMARY KEY (order_id, line));
        CREATE TABLE documents(id TEXT PRIMARY KEY NOT NULL, body TEXT, payload BLOB);
        CREATE TABLE bulk(id INTEGER PRIMARY KEY NOT NULL, label TEXT NOT NULL);
        CREATE TABLE evolving(id TEXT PRIMARY KEY NOT NULL, a TEXT);
        CREATE TABLE audit_trail(at TEXT, what TEXT);
        CREATE TABLE held(id TEXT PRIMARY KEY NOT NULL, note TEXT NOT NULL);
        CREATE TABLE counted(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
        CREATE TABLE contended(id INTEGER PRIMARY KEY, origin INTEGER NOT NULL);
        """;

    // Node 2 logs every batch it publishes with its size.
    protected override ClusterSettings Settings => new() { Nodes = 3, Schema = Schema, Node = id => new NodeSettings { Verbose = id == 2 } };
}

/// <summary>
/// Inserts, updates and deletes written by outside programs on any node reach every node with identical values and
/// storage classes; big values; one big transaction arrives whole; added columns; tables that cannot be replicated.
/// </summary>
public sealed partial class ReplicationTests : IClassFixture<ReplicationClusterFixture>
{
    private readonly ClusterHarness _cluster;

    public ReplicationTests(ReplicationClusterFixture fixture) => _cluster = fixture.Cluster;

    [Fact]
    public async Task Inserts_updates_and_deletes_on_any_node_reach_every_node_with_identical_values_and_storage_classes()
    {
        // Node 1: every storage class, extreme values, and a column without a declared type that keeps whatever class it is given.
        await _cluster[1].Database.ExecuteAsync("""
            INSERT INTO customers VALUES ('c1', 'Ada Lovelace', 3.141592653589793, 9223372036854775807, x'00ff10', 'a quote '' and a
            newline', 42);
            INSERT INTO customers VALUES ('c2', NULL, -1e308, -9223372036854775808, x'', '', 2.5);
            INSERT INTO customers VALUES ('c3', 'Ünïcödé ✓ 日本語 🎉', 0.1, 0, NULL, NULL, '42');
            INSERT INTO customers VALUES ('c4', 'to be deleted', NULL, NULL, NULL, NULL, x'2a');
            INSERT INTO order_lines VALUES ('o1', 1, 'tea', 2), ('o1', 2, 'cake', 1), ('o2', 1, 'coffee', 3);
            """);
        await _cluster.WaitConvergedAsync("inserts from node 1");

        // Node 2 updates and deletes rows node 1 wrote; node 3 then changes rows of both.
        await _cluster[2].Database.ExecuteAsync("""
            UPDATE customers SET name = 'Ada King', visits = visits - 1 WHERE id = 'c1';
            DELETE FROM customers WHERE id = 'c4';
            INSERT INTO order_lines VALUES ('o2', 2, 'milk', 1);
            """);
        await _cluster.WaitConvergedAsync("changes from node 2");
        await _cluster[3].Database.ExecuteAsync("""
            INSERT INTO customers(id, name) VALUES ('c5', 'from node 3');
            UPDATE order_lines SET qty = qty * 10 WHERE order_id = 'o1';
            DELETE FROM order_lines WHERE order_id = 'o1' AND line = 2;
            UPDATE customers SET extra = NULL WHERE id = 'c2';
            """);
        await _cluster.WaitConvergedAsync("changes from node 3");

        string[] expectedTypes =
        [
            "c1|text|real|integer|blob|text|integer",
            "c2|null|real|integer|blob|text|null",
            "c3|text|real|integer|null|null|text",
            "c5|text|null|null|null|null|null",
        ];
        string[] expectedLines = ["o1|1|tea|20", "o2|1|coffee|3", "o2|2|milk|1"];
        foreach (var node in _cluster.Nodes)
        {
            var types = await SqliteShell.QueryAsync(node.Database.Path,
                "SELECT id, typeof(name), typeof(balance), typeof(visits), typeof(photo), typeof(note), typeof(extra) FROM customers ORDER BY id;");
            Assert.Equal(expectedTypes, types);
            Assert.Equal(expectedLines, await SqliteShell.QueryAsync(node.Database.Path, "SELECT order_id, line, product, qty FROM order_lines ORDER BY order_id, line;"));

            await using var connection = node.Database.Open();
            var c1 = await ReadRowAsync(connection, "c1");
            Assert.Equal("Ada King", c1["name"]);
            Assert.Equal(3.141592653589793, c1["balance"]);
            Assert.Equal(long.MaxValue - 1, c1["visits"]);
            Assert.Equal(new byte[] { 0x00, 0xff, 0x10 }, c1["photo"]);
            Assert.Equal("a quote ' and a\nnewline", c1["note"]);
            Assert.Equal(42L, c1["extra"]);
            var c2 = await ReadRowAsync(connection, "c2");
            Assert.Equal(-1e308, c2["balance"]);
            Assert.Equal(long.MinValue, c2["visits"]);
            Assert.Equal(Array.Empty<byte>(), c2["photo"]);
            Assert.Equal("", c2["note"]);
            var c3 = await ReadRowAsync(connection, "c3");
            Assert.Equal("Ünïcödé ✓ 日本語 🎉", c3["name"]);
            Assert.Equal(0.1, c3["balance"]);
            Assert.Equal("42", c3["extra"]);
        }
        var dumps = new List<IReadOnlyList<string>>();
        foreach (var node in _cluster.Nodes) dumps.Add(await node.Database.DumpAsync("customers"));
        Assert.All(dumps, dump => Assert.Equal(dumps[0], dump));
    }

    [Fact]
    public async Task One_MiB_of_random_text_and_one_MiB_of_random_bytes_arrive_identical()
    {
        // Random printable text and random bytes compress badly, so the message stays above 1 MiB (the nats-server
        // default max_payload) even with zstd: only the embedded server's larger limit lets it through.
        var random = new Random(20240611);
        var text = new string(Enumerable.Range(0, 1 << 20).Select(_ => (char)random.Next(0x21, 0x7f)).ToArray());
        var bytes = RandomNumberGenerator.GetBytes(1 << 20);
        var published = _cluster[2].Log.Mark();
        await using (var connection = _cluster[2].Database.Open())
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO documents(id, body, payload) VALUES ('big', $body, $payload)";
            insert.Parameters.Add("$body", SqliteType.Text).Value = text;
            insert.Parameters.Add("$payload", SqliteType.Blob).Value = bytes;
            await insert.ExecuteNonQueryAsync();
        }

        await _cluster.WaitForCountAsync("documents", 1, "id = 'big'");
        await _cluster.WaitConvergedAsync("1 MiB values from node 2");
        var size = _cluster[2].Log.LinesSince(published).Select(l => PublishedOneChange().Match(l)).Single(m => m.Success).Groups["bytes"].Value;
        Assert.True(long.Parse(size) > 1 << 20, $"the message was only {size} bytes");
        foreach (var node in _cluster.Nodes)
        {
            Assert.Equal(["text|1048576|blob|1048576"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT typeof(body), length(body), typeof(payload), length(payload) FROM documents WHERE id = 'big';"));
            await using var connection = node.Database.Open();
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT body, payload FROM documents WHERE id = 'big'";
            await using var reader = await select.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(text, reader.GetString(0));
            Assert.Equal(bytes, (byte[])reader.GetValue(1));
        }
    }

    [Fact]
    public async Task Ten_thousand_rows_inserted_in_one_transaction_appear_on_the_replicas_all_at_once()
    {
        // Readers on nodes 2 and 3 poll the row count for the whole test, from before the insert until both see every row.
        var seen = new ConcurrentDictionary<(int Node, long Count), int>();
        using var stop = new CancellationTokenSource();
        var readers = new[] { _cluster[2], _cluster[3] }.Select(node => Task.Run(async () =>
        {
            await using var connection = node.Database.Open();
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM bulk";
            while (!stop.IsCancellationRequested)
            {
                var rows = (long)(await count.ExecuteScalarAsync())!;
                seen.AddOrUpdate((node.Id, rows), 1, (_, n) => n + 1);
                if (rows == 10_000) return;
                await Task.Delay(2);
            }
        })).ToList();

        try
        {
            await _cluster.WaitUntilAsync(() => Task.FromResult(seen.Keys.Any(k => k.Node == 2) && seen.Keys.Any(k => k.Node == 3)), "both readers polling");
            await _cluster[1].Database.ExecuteAsync("""
                BEGIN;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
                INSERT INTO bulk(id, label) SELECT i, 'row ' || i FROM n;
                COMMIT;
                """);
            await _cluster.WaitUntilAsync(() => Task.FromResult(readers.All(r => r.IsCompleted)), "10,000 rows seen by the readers on nodes 2 and 3");
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(readers);
        }

        var observed = string.Join(", ", seen.OrderBy(s => s.Key).Select(s => $"node {s.Key.Node}: {s.Key.Count} rows ({s.Value} times)"));
        Assert.True(seen.Keys.All(k => k.Count is 0 or 10_000), $"A replica showed part of the transaction. Counts seen: {observed}");
        Assert.Contains((2, 10_000L), seen.Keys);
        Assert.Contains((3, 10_000L), seen.Keys);
        await _cluster.WaitConvergedAsync("10,000 rows from node 1");
    }

    [Fact]
    public async Task A_column_added_on_every_node_while_running_replicates_in_later_writes()
    {
        await _cluster[1].Database.ExecuteAsync("INSERT INTO evolving(id, a) VALUES ('e1', 'before');");
        await _cluster.WaitForCountAsync("evolving", 1, "id = 'e1'");

        var marks = _cluster.Nodes.Select(n => n.Log.Mark()).ToList();
        foreach (var node in _cluster.Nodes)
            await node.Database.ExecuteAsync("ALTER TABLE evolving ADD COLUMN b INTEGER NOT NULL DEFAULT 0;");
        // A write is captured with the columns the triggers know: wait until every node has rebuilt them.
        await _cluster.WaitUntilAsync(
            () => Task.FromResult(_cluster.Nodes.All(n => n.Log.Contains("Table evolving changed; its capture triggers and change log were rebuilt", marks[n.Id - 1]))),
            "every node noticing the added column");

        await _cluster[2].Database.ExecuteAsync("INSERT INTO evolving(id, a, b) VALUES ('e2', 'after', 42);");
        await _cluster[3].Database.ExecuteAsync("UPDATE evolving SET b = 7 WHERE id = 'e1';");
        await _cluster.WaitConvergedAsync("writes with the added column");
        foreach (var node in _cluster.Nodes)
            Assert.Equal(["e1|before|7|integer", "e2|after|42|integer"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT id, a, b, typeof(b) FROM evolving ORDER BY id;"));
    }

    [Fact]
    public async Task A_change_to_a_table_a_node_lacks_is_quarantined_there_and_applied_once_the_table_is_created()
    {
        const string Create = "CREATE TABLE arrived_early(id TEXT PRIMARY KEY NOT NULL, note TEXT NOT NULL);";
        var node1 = _cluster[1];
        var mark = node1.Log.Mark();
        await node1.Database.ExecuteAsync(Create);
        await _cluster.WaitUntilAsync(() => Task.FromResult(node1.Log.Contains("Watching table arrived_early", mark)), "node 1 watching its new table");
        await node1.Database.ExecuteAsync("INSERT INTO arrived_early VALUES ('r1', 'written before the other nodes had the table');");

        var others = new[] { _cluster[2], _cluster[3] };
        await _cluster.WaitUntilAsync(async () =>
        {
            foreach (var node in others)
                if (await node.Database.CountAsync(CaptureArtifactNames.Quarantine, "error LIKE '%arrived_early%'") != 1) return false;
            return true;
        }, "nodes 2 and 3 quarantining the change to a table they lack");

        foreach (var node in others) await node.Database.ExecuteAsync(Create);
        await _cluster.WaitForCountAsync("arrived_early", 1);
        await _cluster.WaitUntilAsync(async () =>
        {
            foreach (var node in _cluster.Nodes)
                if (await node.Database.CountAsync(CaptureArtifactNames.Quarantine) != 0) return false;
            return true;
        }, "the quarantine emptying on every node");
        await _cluster.WaitConvergedAsync("the quarantined change applied after the schema caught up");
    }

    [Fact]
    public async Task A_table_without_a_primary_key_is_refused_by_name_while_the_others_replicate()
    {
        foreach (var node in _cluster.Nodes)
            Assert.True(node.Log.Contains("Table audit_trail is not replicated: Table 'audit_trail' has no PRIMARY KEY"), $"node {node.Id} did not name the refused table. Log:\n{node.Log.Tail(40)}");

        try
        {
            await _cluster[1].Database.ExecuteAsync("""
                INSERT INTO audit_trail VALUES ('now', 'stays on node 1');
                INSERT INTO customers(id, name) VALUES ('after-audit', 'written after the audit row');
                """);
            await _cluster.WaitForCountAsync("customers", 1, "id = 'after-audit'");
            Assert.Equal(1, await _cluster[1].Database.CountAsync("audit_trail"));
            Assert.Equal(0, await _cluster[2].Database.CountAsync("audit_trail"));
            Assert.Equal(0, await _cluster[3].Database.CountAsync("audit_trail"));
            foreach (var node in _cluster.Nodes)
                Assert.Equal(0L, await node.Database.ScalarAsync("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_trail'"));
        }
        finally
        {
            // Not replicated, so it is removed on node 1 alone; the other tests compare whole databases.
            await _cluster[1].Database.ExecuteAsync("DELETE FROM audit_trail;");
            await _cluster[1].Database.ExecuteAsync("DELETE FROM customers WHERE id = 'after-audit';");
        }
    }

    [GeneratedRegex(@"Published batch \S+ \(1 changes, (?<bytes>\d+) bytes\)")]
    private static partial Regex PublishedOneChange();

    [Fact]
    public async Task An_application_holding_the_write_lock_longer_than_the_busy_timeout_delays_replication_but_does_not_stop_the_node()
    {
        var node1 = _cluster[1];
        var mark = node1.Log.Mark();
        await using (var application = node1.Database.Open())
        {
            // A long application transaction: the node's own writes (change-log cleanup, applying other nodes' changes)
            // wait for it longer than their 10 s busy timeout.
            await using var transaction = application.BeginTransaction(deferred: false);
            await using (var insert = application.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO held VALUES ('inside', 'written in the long transaction')";
                await insert.ExecuteNonQueryAsync();
            }
            await _cluster[2].Database.ExecuteAsync("INSERT INTO held VALUES ('from-2', 'waits to be applied on node 1');");
            await _cluster.WaitUntilAsync(
                () => Task.FromResult(!node1.IsRunning || node1.Log.Contains("The database is busy", mark)),
                "node 1 reporting that the database is locked", TimeSpan.FromSeconds(120));
            Assert.True(node1.IsRunning, $"node 1 stopped because the application held the write lock:\n{node1.Log.Tail(30)}");
            await transaction.CommitAsync();
        }

        await node1.Database.ExecuteAsync("INSERT INTO held VALUES ('after', 'written after the lock was released');");
        await _cluster.WaitForCountAsync("held", 3);
        await _cluster.WaitConvergedAsync("after the long transaction");
        Assert.True(node1.IsRunning);
    }

    private static async Task<Dictionary<string, object?>> ReadRowAsync(SqliteConnection connection, string id)
    {
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT * FROM customers WHERE id = $id";
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"row {id} is missing");
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }
}
