using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>The triggers, exercised by outside writers: the sqlite3 shell and plain connections.</summary>
public sealed class CaptureTriggerTests
{
    [Theory]
    [InlineData("")]
    [InlineData("PRAGMA trusted_schema = OFF;")]
    public async Task Sqlite3_shell_writes_are_captured_with_default_settings(string pragma)
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE notes(id TEXT PRIMARY KEY NOT NULL, body TEXT, n INTEGER);", nodeId: 42);

        await SqliteCli.RunAsync(node.Path, pragma + """
            INSERT INTO notes VALUES ('a', 'first', 1);
            UPDATE notes SET body = 'changed', n = n + 1 WHERE id = 'a';
            INSERT INTO notes VALUES ('b', 'second', 2);
            DELETE FROM notes WHERE id = 'b';
            """);

        var pending = Assert.IsType<PendingBatch>(await node.ReadAsync());
        var changes = pending.Batch.Changes;
        Assert.Equal(42, pending.Batch.NodeId);
        Assert.Equal([ChangeOperation.Insert, ChangeOperation.Update, ChangeOperation.Insert, ChangeOperation.Delete], changes.Select(c => c.Operation));
        Assert.All(changes, c => Assert.Equal("notes", c.Table));
        Assert.All(changes, c => Assert.Equal(42, c.Version.NodeId));
        Assert.Equal([new("id", "a"), new("body", "first"), new("n", 1L)], changes[0].Columns);
        Assert.Equal([new("id", "a"), new("body", "changed"), new("n", 2L)], changes[1].Columns);
        Assert.Equal([new ColumnValue("id", "b")], changes[3].Columns);
        Assert.True(changes[1].Version > changes[0].Version);
        Assert.True(changes[3].Version > changes[2].Version);
        // The clock part is wall-clock milliseconds.
        Assert.All(changes, c => Assert.InRange(c.Version.WallClock, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task Values_of_every_storage_class_are_captured_exactly()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE v(id INTEGER PRIMARY KEY, x, r REAL, t TEXT, b BLOB);");
        var text = string.Concat(Enumerable.Repeat("héllo wörld ✓ ", 1024 * 1024 / 16)) + "end";
        var blob = new byte[] { 0, 0, 1, 0, 255, 0 };
        object?[] values = [null, long.MinValue, long.MaxValue, 0L, -0.0, 0.0, 1.0, 1.5, double.MaxValue, double.Epsilon, "", text, Array.Empty<byte>(), blob, "42", new byte[] { 0x34, 0x32 }];
        for (var i = 0; i < values.Length; i++)
            await node.Database.ExecuteAsync("INSERT INTO v(id, x) VALUES (@id, @x)", ("@id", (long)i), ("@x", values[i]));
        await node.Database.ExecuteAsync("INSERT INTO v(id, x, r, t, b) VALUES (1000, 1, 2, 3, 4)");
        await SqliteCli.RunAsync(node.Path, """
            INSERT INTO v(id, x) VALUES (2000, -9223372036854775808), (2001, 9223372036854775807), (2002, -0.0), (2003, zeroblob(16)),
                (2004, printf('%.*c', 1048576, 'x')), (2005, x'00ff00'), (2006, NULL), (2007, 1e308), (2008, '');
            """);

        var pending = Assert.IsType<PendingBatch>(await node.ReadAsync());

        var stored = (await node.Database.QueryAsync("SELECT id, x, r, t, b FROM v ORDER BY id")).ToDictionary(r => (long)r[0]!);
        Assert.Equal(stored.Count, pending.Batch.Changes.Count);
        foreach (var change in pending.Batch.Changes)
        {
            var id = (long)change.Columns.Single(c => c.Name == "id").Value!;
            var row = stored[id];
            Assert.Equal(TestDatabase.FormatRow(row), TestDatabase.FormatRow(change.Columns.Select(c => c.Value).ToArray()));
        }
        // What the application bound is what was captured, storage class and bits included (-0.0 keeps its sign).
        for (var i = 0; i < values.Length; i++)
            Assert.Equal(TestDatabase.FormatValue(values[i]), TestDatabase.FormatValue(pending.Batch.Changes[i].Columns[1].Value));
        // Declared affinities applied by SQLite before the trigger saw the row are kept too.
        Assert.Equal("int:1000 | int:1 | real:4000000000000000 | text:3 | int:4", TestDatabase.FormatRow(pending.Batch.Changes[values.Length].Columns.Select(c => c.Value).ToArray()));
    }

    [Fact]
    public async Task Composite_keys_identify_rows_and_deletes_carry_only_the_key()
    {
        await using var node = await CapturedDatabase.CreateAsync("""
            CREATE TABLE stock(warehouse TEXT NOT NULL COLLATE NOCASE, sku INTEGER NOT NULL, qty INTEGER, PRIMARY KEY (warehouse, sku)) WITHOUT ROWID;
            CREATE TABLE prices(sku INTEGER NOT NULL, currency TEXT NOT NULL, amount REAL, PRIMARY KEY (currency, sku));
            """);

        await SqliteCli.RunAsync(node.Path, """
            INSERT INTO stock VALUES ('north', 1, 10), ('north', 2, 20), ('south', 1, 5);
            UPDATE stock SET qty = qty - 1 WHERE warehouse = 'NORTH' AND sku = 1;
            DELETE FROM stock WHERE warehouse = 'south' AND sku = 1;
            INSERT INTO prices VALUES (1, 'EUR', 9.5);
            DELETE FROM prices;
            """);

        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(7, changes.Count);
        Assert.Equal([new("warehouse", "north"), new("sku", 1L), new("qty", 9L)], changes[3].Columns);
        Assert.Equal(ChangeOperation.Delete, changes[4].Operation);
        Assert.Equal([new("warehouse", "south"), new("sku", 1L)], changes[4].Columns);
        // Key columns come in key order (currency, sku), not declaration order.
        Assert.Equal([new("sku", 1L), new("currency", "EUR"), new("amount", 9.5)], changes[5].Columns);
        Assert.Equal([new("currency", "EUR"), new("sku", 1L)], changes[6].Columns);
        // The NOCASE key shares one version row for 'north' and 'NORTH'.
        Assert.Equal(3L, await node.Database.CountAsync(CaptureArtifactNames.Versions("stock")));
    }

    [Fact]
    public async Task An_update_that_changes_the_key_is_a_delete_of_the_old_key_and_an_insert_of_the_new()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE users(login TEXT PRIMARY KEY NOT NULL, name TEXT);");
        await node.Database.ExecuteAsync("INSERT INTO users VALUES ('old', 'Ada')");
        await node.DrainAsync();

        await SqliteCli.RunAsync(node.Path, "UPDATE users SET login = 'new', name = 'Ada L.' WHERE login = 'old';");

        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(2, changes.Count);
        Assert.Equal(ChangeOperation.Delete, changes[0].Operation);
        Assert.Equal([new ColumnValue("login", "old")], changes[0].Columns);
        Assert.Equal(ChangeOperation.Insert, changes[1].Operation);
        Assert.Equal([new("login", "new"), new("name", "Ada L.")], changes[1].Columns);
        var versions = await node.Database.QueryAsync($"SELECT key1, tombstone FROM \"{CaptureArtifactNames.Versions("users")}\" ORDER BY key1");
        Assert.Equal(["new:0", "old:1"], versions.Select(v => $"{v[0]}:{v[1]}"));
    }

    [Fact]
    public async Task Versions_of_a_row_strictly_increase_for_writes_in_the_same_millisecond()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE counter(id TEXT PRIMARY KEY NOT NULL, n INTEGER);");
        // One statement after another in one transaction: many writes per millisecond.
        var script = "BEGIN;\nINSERT INTO counter VALUES ('c', 0);\n" + string.Concat(Enumerable.Repeat("UPDATE counter SET n = n + 1;\n", 2000)) + "DELETE FROM counter;\nINSERT INTO counter VALUES ('c', -1);\nCOMMIT;\n";

        await SqliteCli.RunAsync(node.Path, script);

        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(2003, changes.Count);
        for (var i = 1; i < changes.Count; i++)
            Assert.True(changes[i].Version.Hlc > changes[i - 1].Version.Hlc, $"change {i}: {changes[i].Version} after {changes[i - 1].Version}");
        // 2000 updates take far fewer milliseconds than that, so the +1 steps did the ordering.
        var distinctMilliseconds = changes.Select(c => c.Version.Hlc >> RowVersion.LogicalBits).Distinct().Count();
        Assert.True(distinctMilliseconds < changes.Count, $"{distinctMilliseconds} distinct milliseconds for {changes.Count} changes");
    }

    [Fact]
    public async Task A_row_at_the_greatest_version_stays_an_integer_version_when_written_again()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE r(id INTEGER PRIMARY KEY, n INTEGER);");
        await SqliteCli.RunAsync(node.Path, "INSERT INTO r VALUES (1, 0);");
        await node.Database.ExecuteAsync($"UPDATE \"{CaptureArtifactNames.Versions("r")}\" SET hlc = {long.MaxValue}");

        await SqliteCli.RunAsync(node.Path, "UPDATE r SET n = 1; UPDATE r SET n = 2; DELETE FROM r;");

        var versions = await node.Database.QueryAsync($"SELECT typeof(hlc), hlc FROM \"{CaptureArtifactNames.Versions("r")}\"");
        Assert.Equal(["integer", long.MaxValue], versions.Single());
        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.All(changes.Skip(1), c => Assert.Equal(long.MaxValue, c.Version.Hlc));
    }

    [Fact]
    public async Task Generated_columns_are_not_captured()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE g(id TEXT PRIMARY KEY NOT NULL, a INTEGER, twice AS (a * 2), thrice AS (a * 3) STORED);");

        await SqliteCli.RunAsync(node.Path, "INSERT INTO g(id, a) VALUES ('x', 2);");

        var change = Assert.Single(Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes);
        Assert.Equal([new("id", "x"), new("a", 2L)], change.Columns);
    }

    [Fact]
    public async Task The_conflict_clause_of_the_application_statement_does_not_change_what_is_captured()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE kv(id TEXT PRIMARY KEY NOT NULL, v, u TEXT UNIQUE);");

        // A conflict clause on the outer statement overrides the ones inside triggers; capture must not rely on any.
        await SqliteCli.RunAsync(node.Path, """
            INSERT INTO kv VALUES ('a', 1, 'ua');
            INSERT OR IGNORE INTO kv VALUES ('a', 2, 'ub');
            INSERT INTO kv VALUES ('a', 3, 'ua') ON CONFLICT(id) DO UPDATE SET v = excluded.v;
            INSERT OR REPLACE INTO kv VALUES ('a', 4, 'ua');
            UPDATE OR IGNORE kv SET v = 5;
            UPDATE OR REPLACE kv SET v = 6 WHERE id = 'a';
            INSERT OR ROLLBACK INTO kv VALUES ('b', 7, 'ub');
            INSERT OR FAIL INTO kv VALUES ('c', 8, 'uc');
            DELETE FROM kv WHERE id = 'c';
            INSERT OR IGNORE INTO kv VALUES ('c', 9, 'uc');
            """);

        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(
        [
            "Insert a=1", "Update a=3", "Insert a=4", "Update a=5", "Update a=6", "Insert b=7", "Insert c=8", "Delete c", "Insert c=9",
        ], changes.Select(c => $"{c.Operation} {c.Columns[0].Value}" + (c.Columns.Count > 1 ? $"={c.Columns[1].Value}" : "")));
        foreach (var row in changes.GroupBy(c => c.Columns[0].Value))
            Assert.True(row.Zip(row.Skip(1)).All(p => p.First.Version < p.Second.Version), $"versions of row {row.Key} do not increase");
        var versions = await node.Database.QueryAsync($"SELECT key1, hlc, tombstone FROM \"{CaptureArtifactNames.Versions("kv")}\" ORDER BY key1");
        Assert.Equal(["a", "b", "c"], versions.Select(v => (string)v[0]!));
        Assert.Equal(changes.Last(c => Equals(c.Columns[0].Value, "a")).Version.Hlc, versions[0][1]);
        Assert.Equal(0L, versions[2][2]);
    }
}
