using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Apply;

public sealed class ChangeApplierTests
{
    private const long Ms = 1L << RowVersion.LogicalBits;

    [Fact]
    public async Task Batches_of_sqlite3_shell_writes_reproduce_the_source_on_a_replica()
    {
        const string schema = """
            CREATE TABLE v(id INTEGER PRIMARY KEY, x, r REAL, t TEXT, b BLOB);
            CREATE TABLE stock(warehouse TEXT NOT NULL COLLATE NOCASE, sku INTEGER NOT NULL, qty INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (warehouse, sku)) WITHOUT ROWID;
            CREATE TABLE users(login TEXT PRIMARY KEY NOT NULL, name TEXT);
            """;
        await using var source = await CapturedDatabase.CreateAsync(schema, nodeId: 1);
        await using var replica = await CapturedDatabase.CreateAsync(schema, nodeId: 2);
        await SqliteCli.RunAsync(source.Path, """
            INSERT INTO v VALUES (1, NULL, 1.5, 'a', x'00'), (2, -9223372036854775808, -0.0, '', zeroblob(0)), (3, 9223372036854775807, 1e308, printf('%.*c', 100000, 'z'), randomblob(1000));
            INSERT INTO v VALUES (4, -0.0, 2, 3, 4), (5, 'text', NULL, NULL, NULL), (6, x'cafe', 0, 0, 0);
            UPDATE v SET x = 2.25 WHERE id = 1;
            DELETE FROM v WHERE id = 5;
            INSERT INTO stock VALUES ('north', 1, 10), ('north', 2, 20), ('south', 1, 5);
            UPDATE stock SET qty = qty - 1 WHERE warehouse = 'NORTH';
            DELETE FROM stock WHERE warehouse = 'south';
            INSERT INTO users VALUES ('ada', 'Ada'), ('alan', 'Alan');
            UPDATE users SET login = 'lovelace' WHERE login = 'ada';
            """);
        await using var applier = await replica.OpenApplierAsync();

        var sequence = 0UL;
        foreach (var pending in await source.DrainAsync(maxChanges: 3))
            Assert.Equal(ApplyOutcome.Applied, (await applier.ApplyAsync(pending.Batch, "shard-0", ++sequence, CancellationToken.None)).Outcome);

        Assert.Equal(await source.Database.DumpUserTablesAsync(), await replica.Database.DumpUserTablesAsync());
        Assert.Equal(
            (await source.Database.QueryAsync($"SELECT * FROM \"{CaptureArtifactNames.Versions("stock")}\" ORDER BY 1, 2")).Select(TestDatabase.FormatRow),
            (await replica.Database.QueryAsync($"SELECT * FROM \"{CaptureArtifactNames.Versions("stock")}\" ORDER BY 1, 2")).Select(TestDatabase.FormatRow));
    }

    [Fact]
    public async Task Changes_captured_before_and_after_a_column_was_added_reproduce_the_source()
    {
        const string schema = "CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT);";
        await using var source = await CapturedDatabase.CreateAsync(schema, nodeId: 1);
        await using var replica = await CapturedDatabase.CreateAsync(schema, nodeId: 2);
        await SqliteCli.RunAsync(source.Path, "INSERT INTO items VALUES ('a', 'before'), ('b', 'before');");
        const string alter = "ALTER TABLE items ADD COLUMN price REAL NOT NULL DEFAULT 9.5;";
        await SqliteCli.RunAsync(source.Path, alter + "UPDATE items SET name = 'between' WHERE id = 'b';");
        await source.ReinstallAsync();
        await SqliteCli.RunAsync(source.Path, "INSERT INTO items VALUES ('c', 'after', 1.25); UPDATE items SET price = 2 WHERE id = 'a';");
        await SqliteCli.RunAsync(replica.Path, alter);
        await replica.ReinstallAsync(); // as the node does when it notices the schema change
        await using var applier = await replica.OpenApplierAsync();

        var sequence = 0UL;
        foreach (var pending in await source.DrainAsync())
            await applier.ApplyAsync(pending.Batch, "s", ++sequence, CancellationToken.None);

        Assert.Equal(await source.Database.DumpUserTablesAsync(), await replica.Database.DumpUserTablesAsync());
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_node_and_replica_converges_whatever_order_the_batches_arrive_in(int seed)
    {
        const string schema = """
            CREATE TABLE kv(id TEXT PRIMARY KEY NOT NULL, v, w INTEGER);
            CREATE TABLE pair(a INTEGER NOT NULL, b TEXT NOT NULL COLLATE NOCASE, v, PRIMARY KEY (a, b)) WITHOUT ROWID;
            """;
        var random = new Random(seed);
        var nodes = new List<CapturedDatabase>();
        var appliers = new List<ChangeApplier>();
        try
        {
            for (var id = 1; id <= 3; id++)
            {
                nodes.Add(await CapturedDatabase.CreateAsync(schema, nodeId: id));
                appliers.Add(await nodes[^1].OpenApplierAsync());
            }
            var published = new List<(long Node, ChangeBatch Batch)>();
            var appliedBy = nodes.Select(_ => new HashSet<int>()).ToList();

            var superseded = 0;
            async Task ApplyAsync(int target, int index)
            {
                if (published[index].Node == nodes[target].NodeId || !appliedBy[target].Add(index)) return;
                superseded += (await appliers[target].ApplyAsync(published[index].Batch, $"batch-{index}", 1, CancellationToken.None)).SupersededChanges;
            }

            for (var round = 0; round < 4; round++)
            {
                foreach (var node in nodes.OrderBy(_ => random.Next()))
                {
                    for (var transaction = random.Next(2, 4); transaction > 0; transaction--)
                        await SqliteCli.RunAsync(node.Path, "BEGIN;\n" + string.Concat(Enumerable.Range(0, random.Next(2, 6)).Select(_ => RandomWrite(random))) + "COMMIT;\n");
                    published.AddRange((await node.DrainAsync(maxChanges: random.Next(1, 6))).Select(p => (node.NodeId, p.Batch)));
                }
                // Nodes see part of each other's writes before writing again, so later versions build on earlier ones.
                for (var target = 0; target < nodes.Count; target++)
                    foreach (var index in Enumerable.Range(0, published.Count).Where(_ => random.Next(2) == 0))
                        await ApplyAsync(target, index);
            }

            for (var target = 0; target < nodes.Count; target++)
                foreach (var index in Enumerable.Range(0, published.Count).OrderBy(_ => random.Next()))
                    await ApplyAsync(target, index);
            var expected = await nodes[0].Database.DumpUserTablesAsync();
            for (var target = 1; target < nodes.Count; target++)
                Assert.Equal(expected, await nodes[target].Database.DumpUserTablesAsync());

            // Fresh replicas that see every batch, in two different orders, end the same.
            for (var replicaId = 10; replicaId < 12; replicaId++)
            {
                await using var replica = await CapturedDatabase.CreateAsync(schema, nodeId: replicaId);
                await using var applier = await replica.OpenApplierAsync();
                foreach (var index in Enumerable.Range(0, published.Count).OrderBy(_ => random.Next()))
                    await applier.ApplyAsync(published[index].Batch, $"batch-{index}", 1, CancellationToken.None);
                Assert.Equal(expected, await replica.Database.DumpUserTablesAsync());
                Assert.Null(await replica.ReadAsync());
            }
            // The run had real conflicts: some changes lost to newer versions of the same row.
            Assert.True(superseded > 0, "no conflicting writes happened");
            Assert.True(published.Sum(p => p.Batch.Changes.Count) > 20, "too few changes to mean anything");
        }
        finally
        {
            foreach (var applier in appliers) await applier.DisposeAsync();
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    private static string RandomWrite(Random random)
    {
        var key = $"k{random.Next(5)}";
        object value = random.Next(5) switch
        {
            0 => "NULL",
            1 => random.NextInt64(long.MinValue, long.MaxValue),
            2 => (random.NextDouble() * 1000).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            3 => $"'text {random.Next(100)}'",
            _ => $"x'{Convert.ToHexString(BitConverter.GetBytes(random.Next()))}'",
        };
        return random.Next(8) switch
        {
            0 or 1 => $"INSERT INTO kv VALUES ('{key}', {value}, {random.Next(100)}) ON CONFLICT(id) DO UPDATE SET v = excluded.v;\n",
            2 => $"UPDATE kv SET w = coalesce(w, 0) + 1, v = {value} WHERE id = '{key}';\n",
            3 => $"DELETE FROM kv WHERE id = '{key}';\n",
            4 => $"UPDATE OR IGNORE kv SET id = 'k{random.Next(5)}' WHERE id = '{key}';\n",
            5 => $"INSERT OR IGNORE INTO pair VALUES ({random.Next(3)}, '{(random.Next(2) == 0 ? "x" : "X")}', {value});\n",
            6 => $"UPDATE pair SET v = {value}, b = '{(random.Next(2) == 0 ? "x" : "X")}' WHERE a = {random.Next(3)};\n",
            _ => $"DELETE FROM pair WHERE a = {random.Next(3)};\n",
        };
    }

    [Fact]
    public async Task A_delete_racing_an_update_never_lets_the_older_update_resurrect_the_row()
    {
        await using var replicaA = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 3);
        await using var replicaB = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 4);
        var insert = Batch(1, "i", Change(ChangeOperation.Insert, 100 * Ms, 1, ("id", "r"), ("v", "original")));
        // Same millisecond on two nodes: the node id breaks the tie, so node 2's delete is newer than node 1's update.
        var update = Batch(1, "u", Change(ChangeOperation.Update, 200 * Ms, 1, ("id", "r"), ("v", "updated")));
        var delete = Batch(2, "d", Change(ChangeOperation.Delete, 200 * Ms, 2, ("id", "r")));
        await using var applierA = await replicaA.OpenApplierAsync();
        await using var applierB = await replicaB.OpenApplierAsync();

        await applierA.ApplyAsync(insert, "s1", 1, CancellationToken.None);
        await applierA.ApplyAsync(update, "s1", 2, CancellationToken.None);
        await applierA.ApplyAsync(delete, "s2", 1, CancellationToken.None);
        await applierB.ApplyAsync(delete, "s2", 1, CancellationToken.None);
        var late = await applierB.ApplyAsync(update, "s1", 2, CancellationToken.None);
        var later = await applierB.ApplyAsync(insert, "s1", 3, CancellationToken.None);

        Assert.Equal(0L, await replicaA.Database.CountAsync("t"));
        Assert.Equal(0L, await replicaB.Database.CountAsync("t"));
        Assert.Equal((0, 1), (late.AppliedChanges, late.SupersededChanges));
        Assert.Equal((0, 1), (later.AppliedChanges, later.SupersededChanges));
        Assert.Equal(1L, await replicaB.Database.ScalarAsync($"SELECT tombstone FROM \"{CaptureArtifactNames.Versions("t")}\" WHERE key1 = 'r'"));

        // A newer write after the delete brings the row back, on both, in either order.
        var reinsert = Batch(1, "n", Change(ChangeOperation.Insert, 300 * Ms, 1, ("id", "r"), ("v", "reborn")));
        await applierA.ApplyAsync(reinsert, "s1", 4, CancellationToken.None);
        await applierB.ApplyAsync(reinsert, "s1", 4, CancellationToken.None);
        Assert.Equal(await replicaA.Database.DumpUserTablesAsync(), await replicaB.Database.DumpUserTablesAsync());
        Assert.Equal("reborn", await replicaB.Database.ScalarAsync("SELECT v FROM t"));
    }

    [Fact]
    public async Task Positions_at_or_below_the_stored_one_are_skipped_as_already_applied()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();
        var first = Batch(1, "a", Change(ChangeOperation.Insert, 100 * Ms, 1, ("id", "a"), ("v", 1L)));
        var second = Batch(1, "b", Change(ChangeOperation.Insert, 100 * Ms, 1, ("id", "b"), ("v", 2L)));

        Assert.Equal(new ApplyResult(ApplyOutcome.Applied, 1, 0), await applier.ApplyAsync(first, "shard-0", 5, CancellationToken.None));
        Assert.Equal(ApplyResult.AlreadyApplied, await applier.ApplyAsync(first, "shard-0", 5, CancellationToken.None));
        Assert.Equal(ApplyResult.AlreadyApplied, await applier.ApplyAsync(second, "shard-0", 4, CancellationToken.None));
        Assert.Equal(1L, await replica.Database.CountAsync("t"));

        // Positions are per stream.
        Assert.Equal(ApplyOutcome.Applied, (await applier.ApplyAsync(second, "shard-1", 4, CancellationToken.None)).Outcome);
        // The same changes again under a new position: the row versions make it a no-op.
        Assert.Equal(new ApplyResult(ApplyOutcome.Applied, 0, 1), await applier.ApplyAsync(first, "shard-0", 6, CancellationToken.None));

        Assert.Equal(new Dictionary<string, ulong> { ["shard-0"] = 6, ["shard-1"] = 4 }, await applier.GetPositionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Skip_advances_the_position_without_touching_rows()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();

        Assert.True(await applier.SkipAsync("shard-0", 3, CancellationToken.None));
        Assert.False(await applier.SkipAsync("shard-0", 3, CancellationToken.None));
        Assert.False(await applier.SkipAsync("shard-0", 2, CancellationToken.None));
        var result = await applier.ApplyAsync(Batch(1, "x", Change(ChangeOperation.Insert, Ms, 1, ("id", "x"))), "shard-0", 3, CancellationToken.None);

        Assert.Equal(ApplyResult.AlreadyApplied, result);
        Assert.Equal(0L, await replica.Database.CountAsync("t"));
        Assert.Equal(3UL, (await applier.GetPositionsAsync(CancellationToken.None))["shard-0"]);
    }

    [Fact]
    public async Task Applied_changes_do_not_echo_into_the_change_log_and_later_local_writes_build_on_their_versions()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();
        // Ahead, but within the skew a node accepts.
        var farFuture = (DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds() << RowVersion.LogicalBits) + 5;

        await applier.ApplyAsync(Batch(1, "x", Change(ChangeOperation.Insert, farFuture, 1, ("id", "a"), ("v", 1L)), Change(ChangeOperation.Delete, Ms, 1, ("id", "b"))), "s", 1, CancellationToken.None);

        Assert.Null(await replica.ReadAsync());
        Assert.Equal(0L, await replica.Database.CountAsync(CaptureArtifactNames.Changes));
        Assert.Equal(0L, await replica.Database.CountAsync(CaptureArtifactNames.Silence));
        Assert.Equal(
            ["text:a | int:" + farFuture + " | int:1 | int:0", "text:b | int:" + Ms + " | int:1 | int:1"],
            (await replica.Database.QueryAsync($"SELECT key1, hlc, node_id, tombstone FROM \"{CaptureArtifactNames.Versions("t")}\" ORDER BY key1")).Select(TestDatabase.FormatRow));

        // A local write after the applied one gets a greater version even though the remote clock ran ahead.
        await SqliteCli.RunAsync(replica.Path, "UPDATE t SET v = 2 WHERE id = 'a';");
        var local = Assert.Single(Assert.IsType<PendingBatch>(await replica.ReadAsync()).Batch.Changes);
        Assert.Equal(new RowVersion(farFuture + 1, 2), local.Version);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    public async Task A_version_further_ahead_of_the_clock_than_the_skew_bound_is_refused_and_nothing_is_written(long hlc)
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();
        if (hlc < 0) hlc = RowVersion.ClockValueAt(DateTimeOffset.UtcNow + RowVersion.MaxClockSkew + TimeSpan.FromMinutes(1));
        var batch = Batch(1, "x", Change(ChangeOperation.Insert, Ms, 1, ("id", "a"), ("v", 1L)), Change(ChangeOperation.Insert, hlc, 1, ("id", "b"), ("v", 2L)));

        var refused = await Assert.ThrowsAsync<VersionAheadOfClockException>(() => applier.ApplyAsync(batch, "s", 1, CancellationToken.None));

        Assert.Contains("ahead of this node's clock", refused.Message);
        Assert.Equal(hlc, refused.Version.Hlc);
        Assert.Equal(0L, await replica.Database.CountAsync("t"));
        Assert.Equal(0L, await replica.Database.CountAsync(CaptureArtifactNames.Versions("t")));
        Assert.Empty(await applier.GetPositionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_constraint_failure_rolls_back_the_whole_message()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, email TEXT UNIQUE, n INTEGER NOT NULL);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();
        await applier.ApplyAsync(Batch(1, "a", Change(ChangeOperation.Insert, Ms, 1, ("id", "a"), ("email", "x@example.org"), ("n", 1L))), "s", 1, CancellationToken.None);
        var before = await replica.Database.DumpUserTablesAsync();
        var versionsBefore = await replica.Database.CountAsync(CaptureArtifactNames.Versions("t"));

        var conflicting = Batch(3, "b",
            Change(ChangeOperation.Update, 5 * Ms, 3, ("id", "a"), ("email", "x@example.org"), ("n", 2L)),
            Change(ChangeOperation.Insert, 5 * Ms, 3, ("id", "b"), ("email", "y@example.org"), ("n", 3L)),
            Change(ChangeOperation.Insert, 5 * Ms, 3, ("id", "c"), ("email", "x@example.org"), ("n", 4L)));
        var error = await Assert.ThrowsAsync<ConstraintViolationException>(() => applier.ApplyAsync(conflicting, "s", 2, CancellationToken.None));

        Assert.Equal(("s", 2UL, "t"), (error.Stream, error.Sequence, error.Table));
        Assert.Contains("UNIQUE", error.Message);
        Assert.Equal(before, await replica.Database.DumpUserTablesAsync());
        Assert.Equal(versionsBefore, await replica.Database.CountAsync(CaptureArtifactNames.Versions("t")));
        Assert.Equal(1UL, (await applier.GetPositionsAsync(CancellationToken.None))["s"]);
        Assert.Equal(0L, await replica.Database.CountAsync(CaptureArtifactNames.Silence));
        Assert.Null(await replica.ReadAsync());
        // The applier stays usable.
        Assert.Equal(ApplyOutcome.Applied, (await applier.ApplyAsync(Batch(3, "c", Change(ChangeOperation.Update, 6 * Ms, 3, ("id", "a"), ("n", 7L))), "s", 2, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Unknown_tables_and_columns_and_missing_keys_are_refused_with_typed_errors()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v); CREATE TABLE unwatched(a, b);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();
        var ok = Change(ChangeOperation.Insert, Ms, 1, ("id", "ok"), ("v", 1L));

        var missingTable = await Assert.ThrowsAsync<UnknownTableException>(() =>
            applier.ApplyAsync(Batch(1, "1", ok, Change(ChangeOperation.Insert, Ms, 1, ("id", "x")) with { Table = "nope" }), "s", 1, CancellationToken.None));
        Assert.Contains("'nope' does not exist", missingTable.Message);

        var refusedTable = await Assert.ThrowsAsync<UnknownTableException>(() =>
            applier.ApplyAsync(Batch(1, "1", Change(ChangeOperation.Insert, Ms, 1, ("a", "x")) with { Table = "unwatched" }), "s", 1, CancellationToken.None));
        Assert.Contains("not replicated on this node", refusedTable.Message);

        var unknownColumn = await Assert.ThrowsAsync<ColumnMismatchException>(() =>
            applier.ApplyAsync(Batch(1, "1", ok, Change(ChangeOperation.Insert, Ms, 1, ("id", "y"), ("v", 1L), ("added_elsewhere", 5L))), "s", 1, CancellationToken.None));
        Assert.Equal(["added_elsewhere"], unknownColumn.UnknownColumns);
        Assert.Contains("'added_elsewhere'", unknownColumn.Message);

        var missingKey = await Assert.ThrowsAsync<ColumnMismatchException>(() =>
            applier.ApplyAsync(Batch(1, "1", Change(ChangeOperation.Delete, Ms, 1, ("v", 1L))), "s", 1, CancellationToken.None));
        Assert.Equal(["id"], missingKey.MissingKeyColumns);

        Assert.Equal(0L, await replica.Database.CountAsync("t"));
        Assert.Empty(await applier.GetPositionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Changes_without_a_column_keep_its_value_or_get_its_default_and_column_names_match_case_insensitively()
    {
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, name TEXT, price REAL NOT NULL DEFAULT 9.5);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();

        await applier.ApplyAsync(Batch(1, "1",
            Change(ChangeOperation.Insert, Ms, 1, ("id", "a"), ("name", "old capture")),
            Change(ChangeOperation.Insert, Ms, 1, ("id", "b"), ("name", "full"), ("price", 1.0)),
            Change(ChangeOperation.Update, 2 * Ms, 1, ("ID", "b"), ("NAME", "renamed"))), "s", 1, CancellationToken.None);

        Assert.Equal(
            ["text:a | text:old capture | real:4023000000000000", "text:b | text:renamed | real:3ff0000000000000"],
            (await replica.Database.QueryAsync("SELECT * FROM t ORDER BY id")).Select(TestDatabase.FormatRow));
    }

    [Fact]
    public async Task An_applied_update_of_an_existing_row_is_an_update_not_a_delete_and_insert()
    {
        await using var replica = await CapturedDatabase.CreateAsync("""
            CREATE TABLE parent(id TEXT PRIMARY KEY NOT NULL, v);
            CREATE TABLE audit(what TEXT);
            CREATE TRIGGER parent_insert AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES ('insert ' || NEW.id); END;
            CREATE TRIGGER parent_update AFTER UPDATE ON parent BEGIN INSERT INTO audit VALUES ('update ' || NEW.id); END;
            CREATE TRIGGER parent_delete AFTER DELETE ON parent BEGIN INSERT INTO audit VALUES ('delete ' || OLD.id); END;
            """, nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();

        await applier.ApplyAsync(Batch(1, "1", Change(ChangeOperation.Insert, Ms, 1, ("id", "p"), ("v", 1L)) with { Table = "parent" }), "s", 1, CancellationToken.None);
        await applier.ApplyAsync(Batch(1, "2", Change(ChangeOperation.Update, 2 * Ms, 1, ("id", "p"), ("v", 2L)) with { Table = "parent" }), "s", 2, CancellationToken.None);
        await applier.ApplyAsync(Batch(1, "3", Change(ChangeOperation.Delete, 3 * Ms, 1, ("id", "p")) with { Table = "parent" }), "s", 3, CancellationToken.None);

        Assert.Equal(["insert p", "update p", "delete p"], (await replica.Database.QueryAsync("SELECT what FROM audit ORDER BY rowid")).Select(r => (string)r[0]!));
        Assert.Null(await replica.ReadAsync()); // the user's triggers ran, ours stayed quiet
    }

    [Fact]
    public async Task The_applier_needs_capture_installed()
    {
        using var bare = await TestDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);");

        await Assert.ThrowsAsync<CaptureNotInstalledException>(() => ChangeApplier.OpenAsync(bare.Path, null, CancellationToken.None));
    }

    private static ChangeBatch Batch(long node, string id, params RowChange[] changes) => new(node, id, changes);

    private static RowChange Change(ChangeOperation operation, long hlc, long node, params (string Name, object? Value)[] columns) =>
        new("t", operation, new RowVersion(hlc, node), columns.Select(c => new ColumnValue(c.Name, c.Value)).ToList());
}
