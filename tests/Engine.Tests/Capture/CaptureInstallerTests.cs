using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

public sealed class CaptureInstallerTests
{
    [Fact]
    public async Task Install_is_idempotent_and_touches_nothing_the_second_time()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE a(id TEXT PRIMARY KEY NOT NULL, x); CREATE TABLE b(k INTEGER NOT NULL, j TEXT NOT NULL, PRIMARY KEY (k, j));");
        Assert.All(node.Report.Tables, t => Assert.Equal(TableCaptureOutcome.Installed, t.Outcome));
        var schemaVersion = await ReadSchemaVersionAsync(node);

        var again = await node.ReinstallAsync();

        Assert.All(again.Tables, t => Assert.Equal(TableCaptureOutcome.Unchanged, t.Outcome));
        Assert.False(again.ChangedAnything);
        Assert.Equal(schemaVersion, await ReadSchemaVersionAsync(node));
        Assert.False(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));
        Assert.Equal(8, (await TriggerNamesAsync(node)).Count);
    }

    [Fact]
    public async Task Refused_tables_are_reported_by_name_with_the_reason_and_the_others_are_installed()
    {
        await using var node = await CapturedDatabase.CreateAsync("""
            CREATE TABLE good(id TEXT PRIMARY KEY NOT NULL, v);
            CREATE TABLE no_key(a, b);
            CREATE VIRTUAL TABLE search USING fts5(body);
            """);

        var report = node.Report;

        Assert.Equal(TableCaptureOutcome.Installed, report["good"]!.Outcome);
        Assert.Equal(CaptureRefusalKind.NoPrimaryKey, report["no_key"]!.Refusal!.Kind);
        Assert.Contains("'no_key'", report["no_key"]!.Refusal!.Message);
        Assert.Equal(CaptureRefusalKind.VirtualTable, report["search"]!.Refusal!.Kind);
        Assert.Equal(["no_key", "search"], report.Refused.Select(t => t.Table).Order());
        Assert.Null(report["search_data"]); // shadow tables follow their virtual table silently
        Assert.Equal(4, (await TriggerNamesAsync(node)).Count);

        await SqliteCli.RunAsync(node.Path, "INSERT INTO no_key VALUES (1, 2); INSERT INTO search VALUES ('text'); INSERT INTO good VALUES ('g', 1);");
        var change = Assert.Single(Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes);
        Assert.Equal("good", change.Table);
    }

    [Fact]
    public async Task A_key_that_accepts_null_is_replicated_and_a_write_with_a_null_key_is_refused_in_the_applications_transaction()
    {
        await using var node = await CapturedDatabase.CreateAsync("""
            CREATE TABLE kv(id TEXT PRIMARY KEY, v);
            CREATE TABLE pair(a TEXT, b INTEGER, v, PRIMARY KEY (a, b));
            INSERT INTO kv VALUES (NULL, 'legacy'), ('k0', 'before');
            """);

        var kv = node.Report["kv"]!;
        Assert.Equal(TableCaptureOutcome.Installed, kv.Outcome);
        var nullRows = Assert.Single(kv.Warnings, w => w.Kind == CaptureWarningKind.NullKeyRows);
        Assert.Contains("1 row(s)", nullRows.Message);
        Assert.Equal(1, kv.ExistingRowsCaptured); // 'k0'; the NULL-key row cannot be identified elsewhere

        await SqliteCli.RunAsync(node.Path, "INSERT INTO kv VALUES ('k1', 'one'); INSERT INTO pair VALUES ('a', 1, 'x'); UPDATE kv SET v = 'two' WHERE id = 'k1';");
        foreach (var refused in new[] { "INSERT INTO kv VALUES (NULL, 'x');", "INSERT INTO pair VALUES ('a', NULL, 'x');", "UPDATE kv SET id = NULL WHERE id = 'k1';", "UPDATE kv SET v = 'w' WHERE id IS NULL;" })
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteCli.RunAsync(node.Path, "BEGIN; INSERT INTO kv VALUES ('in-txn', 1); " + refused + " COMMIT;"));
            Assert.Contains("HarmonyLite replicates table", error.Message);
            Assert.Contains("give the row a key value", error.Message);
        }
        // Deleting the legacy row, or giving it a key, is allowed: the second is captured as an insert.
        await SqliteCli.RunAsync(node.Path, "UPDATE kv SET id = 'named' WHERE id IS NULL;");

        var changes = (await node.DrainAsync()).SelectMany(b => b.Batch.Changes).Select(c => $"{c.Table} {c.Operation} {c.Columns[0].Value}").ToList();
        Assert.Equal(["kv Insert k0", "kv Insert k1", "pair Insert a", "kv Update k1", "kv Insert named"], changes);
        Assert.Equal(0L, await node.Database.ScalarAsync("SELECT count(*) FROM kv WHERE id = 'in-txn'"));
    }

    [Fact]
    public async Task Rowid_alias_keys_and_unique_constraints_are_installed_with_warnings_that_say_what_to_do()
    {
        await using var node = await CapturedDatabase.CreateAsync("""
            CREATE TABLE orders(id INTEGER PRIMARY KEY, number TEXT UNIQUE, note);
            CREATE TABLE tags(id TEXT PRIMARY KEY NOT NULL, name TEXT);
            CREATE UNIQUE INDEX tags_name ON tags(name);
            CREATE TABLE clean(id TEXT PRIMARY KEY NOT NULL);
            """);

        var orders = node.Report["orders"]!;
        Assert.Equal(TableCaptureOutcome.Installed, orders.Outcome);
        Assert.Equal([CaptureWarningKind.RowidAliasKey, CaptureWarningKind.UniqueConstraint], orders.Warnings.Select(w => w.Kind));
        Assert.Contains("UUID", orders.Warnings[0].Message);
        Assert.Contains("(number)", orders.Warnings[1].Message);
        var tags = node.Report["tags"]!;
        Assert.Contains("'tags_name'", Assert.Single(tags.Warnings).Message);
        Assert.Empty(node.Report["clean"]!.Warnings);
    }

    [Fact]
    public async Task Adding_a_column_while_changes_are_pending_loses_nothing_and_captures_the_new_column()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT);");
        await node.Database.ExecuteAsync("INSERT INTO items VALUES ('a', 'before')");

        await SqliteCli.RunAsync(node.Path, """
            ALTER TABLE items ADD COLUMN price REAL NOT NULL DEFAULT 0;
            INSERT INTO items VALUES ('b', 'between', 1.5);
            """);
        Assert.True(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));
        var report = await node.ReinstallAsync();
        await SqliteCli.RunAsync(node.Path, "INSERT INTO items VALUES ('c', 'after', 2.5); UPDATE items SET price = 9 WHERE id = 'a';");

        Assert.Equal(TableCaptureOutcome.Updated, report["items"]!.Outcome);
        Assert.False(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));
        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(
        [
            // Captured before the triggers knew the column: it is left out (not NULL), so apply keeps the default.
            "items Insert id=text:a, name=text:before",
            "items Insert id=text:b, name=text:between",
            "items Insert id=text:c, name=text:after, price=real:4004000000000000",
            // An update carries the key and the columns it changed.
            "items Update id=text:a, price=real:4022000000000000",
        ], changes.Select(c => $"{c.Table} {c.Operation} " + string.Join(", ", c.Columns.Select(v => $"{v.Name}={TestDatabase.FormatValue(v.Value)}"))));
    }

    [Fact]
    public async Task A_new_table_is_noticed_and_watched()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE first(id TEXT PRIMARY KEY NOT NULL);");
        Assert.False(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));

        await SqliteCli.RunAsync(node.Path, "CREATE TABLE second(id TEXT PRIMARY KEY NOT NULL, v);");

        Assert.True(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));
        var report = await node.ReinstallAsync();
        Assert.Equal(TableCaptureOutcome.Unchanged, report["first"]!.Outcome);
        Assert.Equal(TableCaptureOutcome.Installed, report["second"]!.Outcome);
        await SqliteCli.RunAsync(node.Path, "INSERT INTO second VALUES ('x', 1);");
        Assert.Equal("second", Assert.Single(Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes).Table);
    }

    [Fact]
    public async Task A_table_rebuilt_with_other_columns_keeps_its_pending_changes_and_the_copy_is_not_captured()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE people(id TEXT PRIMARY KEY NOT NULL, first TEXT, last TEXT);");
        await node.Database.ExecuteAsync("INSERT INTO people VALUES ('p1', 'Ada', 'Lovelace'), ('p2', 'Alan', 'Turing')");

        // The documented way to change a table beyond ADD COLUMN: create, copy, drop, rename, in one transaction.
        await SqliteCli.RunAsync(node.Path, """
            BEGIN;
            CREATE TABLE people_new(id TEXT PRIMARY KEY NOT NULL, full_name TEXT);
            INSERT INTO people_new SELECT id, first || ' ' || last FROM people;
            DROP TABLE people;
            ALTER TABLE people_new RENAME TO people;
            COMMIT;
            """);
        var report = await node.ReinstallAsync();
        await SqliteCli.RunAsync(node.Path, "UPDATE people SET full_name = 'Ada King' WHERE id = 'p1';");

        Assert.Equal(TableCaptureOutcome.Updated, report["people"]!.Outcome);
        Assert.Null(report["people_new"]);
        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;
        Assert.Equal(
        [
            "Insert id=text:p1, first=text:Ada, last=text:Lovelace",
            "Insert id=text:p2, first=text:Alan, last=text:Turing",
            "Update id=text:p1, full_name=text:Ada King",
        ], changes.Select(c => $"{c.Operation} " + string.Join(", ", c.Columns.Select(v => $"{v.Name}={TestDatabase.FormatValue(v.Value)}"))));
        // Versions carried over: the update follows the insert of the same row.
        Assert.True(changes[2].Version > changes[0].Version);
        Assert.Equal(4, (await TriggerNamesAsync(node)).Count);
    }

    [Fact]
    public async Task A_dropped_table_still_publishes_its_pending_changes_and_is_forgotten_after_cleanup()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE keep(id TEXT PRIMARY KEY NOT NULL); CREATE TABLE gone(id TEXT PRIMARY KEY NOT NULL);");
        await node.Database.ExecuteAsync("INSERT INTO gone VALUES ('last words')");
        await SqliteCli.RunAsync(node.Path, "DROP TABLE gone;");

        var report = await node.ReinstallAsync();

        Assert.Equal(TableCaptureOutcome.Dropped, report["gone"]!.Outcome);
        // Cleanup before the change is published keeps what is needed to read it.
        await node.Reader.CleanupPublishedAsync(CancellationToken.None);
        var batches = await node.DrainAsync();
        Assert.Equal("gone", Assert.Single(Assert.Single(batches).Batch.Changes).Table);
        await node.Reader.CleanupPublishedAsync(CancellationToken.None);
        var leftovers = await node.Database.QueryAsync("SELECT name FROM sqlite_schema WHERE name LIKE '%gone%'");
        Assert.Empty(leftovers);
        Assert.Null((await node.ReinstallAsync())["gone"]);
    }

    [Fact]
    public async Task A_renamed_table_is_watched_under_its_new_name_and_captured_once()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE old_name(id TEXT PRIMARY KEY NOT NULL, v);");

        await SqliteCli.RunAsync(node.Path, "ALTER TABLE old_name RENAME TO new_name;");
        var report = await node.ReinstallAsync();
        await SqliteCli.RunAsync(node.Path, "INSERT INTO new_name VALUES ('x', 1);");

        Assert.Equal(TableCaptureOutcome.Dropped, report["old_name"]!.Outcome);
        Assert.Equal(TableCaptureOutcome.Installed, report["new_name"]!.Outcome);
        Assert.All(await TriggerNamesAsync(node), name => Assert.Contains("new_name", name));
        Assert.Equal("new_name", Assert.Single(Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes).Table);
    }

    [Fact]
    public async Task A_new_node_id_rebuilds_the_triggers_so_new_versions_carry_it()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 1);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 1)");

        await using (var renamed = await CaptureInstaller.OpenAsync(node.Path, 99, null, CancellationToken.None))
            Assert.Equal(TableCaptureOutcome.Updated, (await renamed.InstallAsync(CancellationToken.None))["t"]!.Outcome);
        await node.Database.ExecuteAsync("UPDATE t SET v = 2");

        await using var reader = await ChangeReader.OpenAsync(node.Path, 99, null, CancellationToken.None);
        var batch = Assert.IsType<PendingBatch>(await reader.ReadPendingAsync(100, CancellationToken.None)).Batch;
        Assert.Equal(99, batch.NodeId);
        Assert.Equal([1L, 99L], batch.Changes.Select(c => c.Version.NodeId));
    }

    [Fact]
    public async Task Remove_drops_every_harmonylite_object_and_leaves_user_tables_rows_indexes_and_triggers_identical()
    {
        await using var node = await CapturedDatabase.CreateAsync("""
            CREATE TABLE a(id TEXT PRIMARY KEY NOT NULL, v);
            CREATE TABLE audit(at INTEGER, what TEXT);
            CREATE INDEX a_v ON a(v);
            CREATE TRIGGER a_audit AFTER INSERT ON a BEGIN INSERT INTO audit VALUES (1, NEW.id); END;
            CREATE TABLE counter(id INTEGER PRIMARY KEY AUTOINCREMENT, n);
            CREATE VIRTUAL TABLE search USING fts5(body);
            """);
        await SqliteCli.RunAsync(node.Path, "INSERT INTO a VALUES ('x', 1), ('y', x'00'); INSERT INTO counter(n) VALUES (5); INSERT INTO search VALUES ('hello'); DELETE FROM a WHERE id = 'y';");
        await using (var applier = await node.OpenApplierAsync()) await applier.SkipAsync("s", 1, CancellationToken.None);
        var userDump = await SqliteCli.RunAsync(node.Path, ".dump a audit counter search");
        var userObjects = await node.Database.QueryAsync("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE '%\\_\\_harmonylite\\_\\_%' ESCAPE '\\' ORDER BY name");

        var removed = await node.Installer.RemoveAsync(CancellationToken.None);

        // The shared tables, then for a and counter four triggers, a version table and its tombstone index each.
        Assert.Equal(8 + 2 * (4 + 1 + 1), removed);
        Assert.Empty(await node.Database.QueryAsync("SELECT name FROM sqlite_schema WHERE name LIKE '%harmonylite%'"));
        Assert.Equal(userDump, await SqliteCli.RunAsync(node.Path, ".dump a audit counter search"));
        Assert.Equal(
            userObjects.Select(TestDatabase.FormatRow),
            (await node.Database.QueryAsync("SELECT type, name, sql FROM sqlite_schema ORDER BY name")).Select(TestDatabase.FormatRow));
        Assert.True(await node.Installer.HasSchemaChangedAsync(CancellationToken.None));
        await SqliteCli.RunAsync(node.Path, "INSERT INTO a VALUES ('z', 3);"); // writers work without capture
    }

    [Fact]
    public async Task Capture_installed_by_an_earlier_build_with_per_table_logs_is_refused_with_what_to_do()
    {
        using var database = await TestDatabase.CreateAsync("""
            CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);
            CREATE TABLE __harmonylite__sequence(id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL, published_seq INTEGER NOT NULL);
            CREATE TABLE __harmonylite__t__change_log(seq INTEGER PRIMARY KEY, generation INTEGER NOT NULL, op INTEGER NOT NULL, hlc INTEGER NOT NULL, node_id INTEGER NOT NULL, val_id);
            """);
        await using var installer = await CaptureInstaller.OpenAsync(database.Path, 1, null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => installer.InstallAsync(CancellationToken.None));

        Assert.Contains("earlier HarmonyLite build", error.Message);
        Assert.Contains("-cleanup", error.Message);
        Assert.Empty(await database.QueryAsync("SELECT name FROM sqlite_schema WHERE name IN ('__harmonylite__changes', '__harmonylite__meta')"));
        // Removing capture clears the way.
        await installer.RemoveAsync(CancellationToken.None);
        Assert.Equal(TableCaptureOutcome.Installed, (await installer.InstallAsync(CancellationToken.None))["t"]!.Outcome);
    }

    [Fact]
    public async Task Rows_written_before_the_triggers_existed_are_captured_once_as_inserts()
    {
        var rows = CaptureInstaller.ExistingRowsChunk * 2 + 7;
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE first(id TEXT PRIMARY KEY NOT NULL);");
        // One call of the shell, as an application does it: the table and its first rows before any node looked.
        await SqliteCli.RunAsync(node.Path, $"""
            CREATE TABLE n1(id INTEGER PRIMARY KEY, body TEXT);
            WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {rows}) INSERT INTO n1 SELECT i, 'row ' || i FROM c;
            CREATE TABLE w(a TEXT, b INTEGER, v, PRIMARY KEY (a, b)) WITHOUT ROWID;
            INSERT INTO w VALUES ('x', 1, 'one'), ('x', 2, 'two');
            """);

        var report = await node.ReinstallAsync();

        Assert.Equal(rows, report["n1"]!.ExistingRowsCaptured);
        Assert.Equal(2, report["w"]!.ExistingRowsCaptured);
        Assert.Equal(0, report["first"]!.ExistingRowsCaptured);
        await SqliteCli.RunAsync(node.Path, "UPDATE n1 SET body = 'changed' WHERE id = 1;");
        var changes = (await node.DrainAsync()).SelectMany(b => b.Batch.Changes).ToList();
        Assert.Equal(rows + 3, changes.Count);
        Assert.Equal(rows, changes.Count(c => c.Table == "n1" && c.Operation == ChangeOperation.Insert));
        Assert.Equal(rows, changes.Where(c => c.Table == "n1" && c.Operation == ChangeOperation.Insert).Select(c => c.Columns[0].Value).Distinct().Count());
        Assert.Equal(["a=x, b=1, v=one", "a=x, b=2, v=two"],
            changes.Where(c => c.Table == "w").Select(c => string.Join(", ", c.Columns.Select(v => $"{v.Name}={v.Value}"))));
        var update = changes.Last();
        Assert.Equal(ChangeOperation.Update, update.Operation);
        Assert.True(update.Version > changes.First(c => c.Table == "n1" && Equals(c.Columns[0].Value, 1L)).Version);

        // Nothing is captured twice: another install finds every row versioned.
        var again = await node.ReinstallAsync();
        Assert.All(again.Tables, t => Assert.Equal(0, t.ExistingRowsCaptured));
        Assert.Null(await node.ReadAsync());
    }

    [Fact]
    public async Task Install_after_remove_starts_afresh_with_a_new_capture_id()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);");
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a')");
        var before = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.BatchId;

        await node.Installer.RemoveAsync(CancellationToken.None);
        await node.ReinstallAsync();
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('b')");
        var after = Assert.IsType<PendingBatch>(await node.ReadAsync());

        // Same change numbers, different id: a publish after a reinstall is never taken for a duplicate of an old one.
        // Row 'a' lost its version with the removal, so the reinstall captured it again, before 'b'.
        Assert.Equal((1, 2), (after.FirstSequence, after.LastSequence));
        Assert.StartsWith(before[..^"1-1".Length].Split('-')[0] + "-", after.Batch.BatchId);
        Assert.NotEqual(before[..^"1-1".Length], after.Batch.BatchId[..^"1-2".Length]);
        Assert.Equal([ChangeOperation.Insert, ChangeOperation.Insert], after.Batch.Changes.Select(c => c.Operation));
        Assert.Equal(["a", "b"], after.Batch.Changes.Select(c => (string)c.Columns[0].Value!));
    }

    private static async Task<long> ReadSchemaVersionAsync(CapturedDatabase node)
    {
        await using var connection = node.Database.OpenConnection();
        return await SqliteSchemaReader.ReadSchemaVersionAsync(connection, CancellationToken.None);
    }

    private static async Task<List<string>> TriggerNamesAsync(CapturedDatabase node) =>
        (await node.Database.QueryAsync("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '\\_\\_harmonylite\\_\\_%' ESCAPE '\\'")).Select(r => (string)r[0]!).ToList();
}
