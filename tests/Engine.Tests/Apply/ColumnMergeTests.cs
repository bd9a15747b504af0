using FsCheck;
using FsCheck.Fluent;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.Engine.Tests.Codec;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Apply;

/// <summary>
/// Column-level merge: concurrent updates of different columns of a row both survive; within a column the greater
/// version wins; a delete ends a life and wins over every change of it; a re-insert begins a new life. Every node ends
/// the same whatever order changes arrive in, and that state is the one the reference model below computes.
/// </summary>
public sealed class ColumnMergeTests
{
    private const string Schema = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b, c);";
    private static readonly string[] Columns = ["a", "b", "c"];

    [Fact]
    public async Task Concurrent_updates_of_different_columns_both_survive_on_every_node()
    {
        await using var node1 = await CapturedDatabase.CreateAsync("CREATE TABLE users(id TEXT PRIMARY KEY NOT NULL, email TEXT, phone TEXT);", nodeId: 1);
        await using var node2 = await CapturedDatabase.CreateAsync("CREATE TABLE users(id TEXT PRIMARY KEY NOT NULL, email TEXT, phone TEXT);", nodeId: 2);
        await SqliteCli.RunAsync(node1.Path, "INSERT INTO users VALUES ('u1', 'old@example.org', '111');");
        await ApplyAllAsync(node2, await node1.DrainAsync());

        // Neither has seen the other's update when it makes its own; node 2's comes later by the clock.
        await SqliteCli.RunAsync(node1.Path, "UPDATE users SET email = 'new@example.org' WHERE id = 'u1';");
        await SqliteCli.RunAsync(node2.Path, "UPDATE users SET phone = '222' WHERE id = 'u1';");
        var fromNode1 = await node1.DrainAsync();
        var fromNode2 = await node2.DrainAsync();
        Assert.Equal(["id", "email"], fromNode1.Single().Batch.Changes.Single().Columns.Select(c => c.Name));
        await ApplyAllAsync(node1, fromNode2);
        await ApplyAllAsync(node2, fromNode1);

        foreach (var node in new[] { node1, node2 })
            Assert.Equal(["u1|new@example.org|222"], await SqliteCli.QueryAsync(node.Path, "SELECT * FROM users;"));
    }

    [Fact]
    public async Task An_update_that_arrives_before_the_insert_of_its_row_is_held_and_merged_when_the_insert_comes()
    {
        await using var source = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await using var replica = await CapturedDatabase.CreateAsync(Schema, nodeId: 2);
        await SqliteCli.RunAsync(source.Path, "INSERT INTO t VALUES ('k', 1, 1, 1);");
        var insert = await source.DrainAsync();
        await SqliteCli.RunAsync(source.Path, "UPDATE t SET b = 2 WHERE id = 'k';");
        var update = await source.DrainAsync();

        await ApplyAllAsync(replica, update);
        Assert.Empty(await SqliteCli.QueryAsync(replica.Path, "SELECT * FROM t;"));
        await ApplyAllAsync(replica, insert);

        Assert.Equal(["k|1|2|1"], await SqliteCli.QueryAsync(replica.Path, "SELECT * FROM t;"));
        Assert.Equal(["k|1|2|1"], await SqliteCli.QueryAsync(source.Path, "SELECT * FROM t;"));
    }

    [Fact]
    public async Task A_delete_wins_over_a_concurrent_update_of_the_life_it_ends_and_a_reinsert_begins_a_new_life()
    {
        await using var node1 = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await using var node2 = await CapturedDatabase.CreateAsync(Schema, nodeId: 2);
        await SqliteCli.RunAsync(node1.Path, "INSERT INTO t VALUES ('k', 1, 1, 1);");
        await ApplyAllAsync(node2, await node1.DrainAsync());

        await SqliteCli.RunAsync(node1.Path, "DELETE FROM t WHERE id = 'k';");
        // Later by the clock, but of the life the delete ends.
        await SqliteCli.RunAsync(node2.Path, "UPDATE t SET a = 9 WHERE id = 'k';");
        var delete = await node1.DrainAsync();
        var update = await node2.DrainAsync();
        await ApplyAllAsync(node1, update);
        await ApplyAllAsync(node2, delete);
        Assert.Empty(await SqliteCli.QueryAsync(node1.Path, "SELECT * FROM t;"));
        Assert.Empty(await SqliteCli.QueryAsync(node2.Path, "SELECT * FROM t;"));

        await SqliteCli.RunAsync(node2.Path, "INSERT INTO t VALUES ('k', 5, 5, 5);");
        await ApplyAllAsync(node1, await node2.DrainAsync());
        Assert.Equal(["k|5|5|5"], await SqliteCli.QueryAsync(node1.Path, "SELECT * FROM t;"));
    }

    [Fact]
    public async Task A_one_column_update_of_a_sixty_column_table_carries_and_versions_one_column()
    {
        var columns = string.Join(", ", Enumerable.Range(1, 59).Select(i => $"c{i}"));
        await using var node = await CapturedDatabase.CreateAsync($"CREATE TABLE wide(id INTEGER PRIMARY KEY, {columns});", nodeId: 1);
        await SqliteCli.RunAsync(node.Path, $"INSERT INTO wide(id) VALUES (1); UPDATE wide SET c17 = 'x' WHERE id = 1;");

        var changes = (await node.DrainAsync()).SelectMany(b => b.Batch.Changes).ToList();

        Assert.Equal(60, changes[0].Columns.Count);
        Assert.Equal(["id", "c17"], changes[1].Columns.Select(c => c.Name));
        var versionColumns = await node.Database.QueryAsync(
            $"SELECT count(*) FROM pragma_table_xinfo('{CaptureArtifactNames.Versions("wide")}')");
        var versioned = await node.Database.QueryAsync(
            $"SELECT {string.Join(" + ", Enumerable.Range(1, 60).Select(i => $"(h{i} IS NOT NULL)"))} FROM \"{CaptureArtifactNames.Versions("wide")}\"");
        // One version row with a version for the key and the one column changed; the other 58 stay at the row's life.
        Assert.Equal(2L, versioned.Single()[0]);
        Assert.True((long)versionColumns.Single()[0]! > 120);
    }

    [Fact]
    public async Task Successive_updates_each_carry_only_the_columns_they_changed_storage_class_included()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await SqliteCli.RunAsync(node.Path, """
            INSERT INTO t VALUES ('k', 1, 'b', x'00');
            UPDATE t SET a = 2 WHERE id = 'k';
            UPDATE t SET b = 'B' WHERE id = 'k';
            UPDATE t SET a = a, b = b, c = c WHERE id = 'k';
            UPDATE t SET a = 2.0 WHERE id = 'k';
            UPDATE t SET c = x'01', a = 2.0 WHERE id = 'k';
            """);

        var changes = (await node.DrainAsync()).SelectMany(b => b.Batch.Changes).ToList();

        // SET a = a changes nothing and is not captured; 2 -> 2.0 changes the storage class and is.
        Assert.Equal([["id", "a", "b", "c"], ["id", "a"], ["id", "b"], ["id", "a"], ["id", "c"]],
            changes.Select(c => c.Columns.Select(v => v.Name).ToArray()).ToArray());
        Assert.Equal(2.0, changes[3].Columns[1].Value);
    }

    [Fact]
    public async Task A_row_level_message_of_the_release_before_applies_its_whole_row_updates_win_or_lose_as_a_whole()
    {
        // The golden "operations" message, version 1: users 1 inserted as 'ann', updated to 'anne', deleted; all three
        // at one version there, spread here so that each is newer than the one before.
        var golden = new ChangeBatchDecoder().Decode(File.ReadAllBytes(RepositoryLayout.Path("tests", "Engine.Tests", "Codec", "Wire", "Golden", "operations.cbor")));
        var users = golden.Changes.Where(c => c.Table == "users").Select((c, i) => c with { Version = c.Version with { Hlc = c.Version.Hlc + i } }).ToList();
        Assert.All(users, c => Assert.Null(c.Life));
        await using var replica = await CapturedDatabase.CreateAsync("CREATE TABLE users(id INTEGER PRIMARY KEY NOT NULL, name TEXT);", nodeId: 2);
        await using var applier = await replica.OpenApplierAsync();

        await applier.ReapplyAsync(golden with { Changes = users.Take(2).ToList() }, "old", 1, CancellationToken.None);
        Assert.Equal(["1|anne"], await SqliteCli.QueryAsync(replica.Path, "SELECT * FROM users;"));

        // A local update is newer by the clock: the old node's whole-row update, delivered again, loses as a whole.
        await SqliteCli.RunAsync(replica.Path, "UPDATE users SET name = 'local' WHERE id = 1;");
        await applier.ReapplyAsync(golden with { Changes = [users[1]] }, "old", 2, CancellationToken.None);
        Assert.Equal(["1|local"], await SqliteCli.QueryAsync(replica.Path, "SELECT * FROM users;"));

        // Its delete ends the life the local update belongs to.
        await applier.ReapplyAsync(golden with { Changes = [users[2]] }, "old", 3, CancellationToken.None);
        Assert.Empty(await SqliteCli.QueryAsync(replica.Path, "SELECT * FROM users;"));
    }

    [Fact]
    public async Task A_node_that_merges_a_snapshot_keeps_its_column_versions_and_merges_later_changes_like_the_source()
    {
        await using var node1 = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await using var restored = await CapturedDatabase.CreateAsync(Schema, nodeId: 3);
        await SqliteCli.RunAsync(node1.Path, "INSERT INTO t VALUES ('k', 1, 1, 1);");
        var insert = (await node1.DrainAsync()).Single().Batch.Changes.Single();
        await SqliteCli.RunAsync(node1.Path, "UPDATE t SET a = 2 WHERE id = 'k';");
        var updateOfA = (await node1.DrainAsync()).Single().Batch.Changes.Single();

        await using (var applier = await restored.OpenApplierAsync())
            await applier.MergeAsync(SnapshotRows.ReadAsync(node1.Path, ["t"], CancellationToken.None), "s", 1, CancellationToken.None);
        Assert.Equal(["k|2|1|1"], await SqliteCli.QueryAsync(restored.Path, "SELECT * FROM t;"));

        // Of the row's life, older than node 1's update of a, newer than the insert: it loses a and wins b, on both.
        var stale = new RowChange("t", ChangeOperation.Update, new RowVersion(updateOfA.Version.Hlc - 1, 9),
            [new ColumnValue("id", "k"), new ColumnValue("a", "stale"), new ColumnValue("b", "newer")]) { Life = insert.Version };
        Assert.True(stale.Version > insert.Version);
        foreach (var node in new[] { node1, restored })
        {
            await ApplyAllAsync(node, [new PendingBatch(new ChangeBatch(9, "9-1", [stale]), 1, 1)]);
            Assert.Equal(["k|2|newer|1"], await SqliteCli.QueryAsync(node.Path, "SELECT * FROM t;"));
        }
    }

    /// <summary>One step of a writer: 0 insert (if absent), 1 update of some columns, 2 delete, 3 insert or replace, 4 catch up with another writer.</summary>
    public sealed record Step(int Writer, int Kind, int Key, int ColumnMask, int Value, int Other);

    [Fact]
    public void Random_interleavings_from_three_writers_delivered_in_random_orders_with_duplicates_end_in_the_reference_state_everywhere()
    {
        var step = from writer in Gen.Choose(0, 2)
                   from kind in Gen.Choose(0, 4)
                   from key in Gen.Choose(0, 2)
                   from mask in Gen.Choose(1, 7)
                   from value in Gen.Choose(0, 20)
                   from other in Gen.Choose(1, 2)
                   select new Step(writer, kind, key, mask, value, other);
        var scenario = from steps in Gen.ListOf(step).Select(s => s.ToList()).Where(s => s.Count is > 3 and < 40)
                       from seed in Gen.Choose(0, int.MaxValue)
                       select (Steps: steps, Seed: seed);
        PropertyChecks.Check(scenario, s => RunAsync(s.Steps, s.Seed).GetAwaiter().GetResult(), cases: 40);
    }

    private static async Task RunAsync(List<Step> steps, int seed)
    {
        var random = new Random(seed);
        var writers = new List<CapturedDatabase>();
        var replicas = new List<CapturedDatabase>();
        try
        {
            for (var id = 1; id <= 3; id++) writers.Add(await CapturedDatabase.CreateAsync(Schema, nodeId: id));
            for (var id = 10; id <= 11; id++) replicas.Add(await CapturedDatabase.CreateAsync(Schema, nodeId: id));
            var published = writers.Select(_ => new List<ChangeBatch>()).ToList();
            var caughtUp = new int[3, 3];
            foreach (var s in steps)
            {
                var writer = writers[s.Writer];
                var key = $"k{s.Key}";
                var values = Columns.Select((_, i) => Value(s.Value + i)).ToList();
                switch (s.Kind)
                {
                    case 0:
                        await writer.Database.ExecuteAsync($"INSERT INTO t VALUES ('{key}', {values[0]}, {values[1]}, {values[2]}) ON CONFLICT(id) DO NOTHING");
                        break;
                    case 1:
                        var set = string.Join(", ", Columns.Where((_, i) => (s.ColumnMask & (1 << i)) != 0).Select((c, i) => $"{c} = {values[i]}"));
                        await writer.Database.ExecuteAsync($"UPDATE t SET {set} WHERE id = '{key}'");
                        break;
                    case 2:
                        await writer.Database.ExecuteAsync($"DELETE FROM t WHERE id = '{key}'");
                        break;
                    case 3:
                        await writer.Database.ExecuteAsync($"INSERT OR REPLACE INTO t VALUES ('{key}', {values[0]}, {values[1]}, {values[2]})");
                        break;
                    default:
                        // Sees the other writer's changes so far, in its order, before it writes again.
                        var from = (s.Writer + s.Other) % 3;
                        await using (var applier = await writer.OpenApplierAsync())
                            for (; caughtUp[s.Writer, from] < published[from].Count; caughtUp[s.Writer, from]++)
                                await applier.ReapplyAsync(published[from][caughtUp[s.Writer, from]], $"from-{from}", 1, CancellationToken.None);
                        break;
                }
                published[s.Writer].AddRange((await writer.DrainAsync(maxChanges: random.Next(1, 4))).Select(p => p.Batch));
            }

            var all = published.SelectMany((batches, source) => batches.Select(b => (Source: source, Batch: b))).ToList();
            // Every writer gets what it has not seen, every replica all of it: in random order, some twice.
            for (var target = 0; target < writers.Count + replicas.Count; target++)
            {
                var node = target < writers.Count ? writers[target] : replicas[target - writers.Count];
                var deliveries = all.Where(d => d.Source != target).SelectMany(d => random.Next(3) == 0 ? new[] { d, d } : new[] { d }).OrderBy(_ => random.Next()).ToList();
                await using var applier = await node.OpenApplierAsync();
                foreach (var (_, batch) in deliveries) await applier.ReapplyAsync(batch, "any", 1, CancellationToken.None);
            }

            var expected = ReferenceModel(all.SelectMany(d => d.Batch.Changes));
            foreach (var node in writers.Concat(replicas))
            {
                var rows = (await node.Database.QueryAsync("SELECT id, a, b, c FROM t ORDER BY id")).Select(TestDatabase.FormatRow).ToList();
                Assert.True(expected.SequenceEqual(rows),
                    $"node {node.NodeId} holds\n  {string.Join("\n  ", rows)}\nthe model says\n  {string.Join("\n  ", expected)}\nsteps: {string.Join("; ", steps)}; seed {seed}");
            }
        }
        finally
        {
            foreach (var node in writers.Concat(replicas)) await node.DisposeAsync();
        }
    }

    private static string Value(int n) => (n % 7) switch
    {
        0 => "NULL",
        1 or 2 => $"'text {n}'",
        3 => $"{n}.5",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Per-column last-writer-wins, from the set of changes alone: a row's state is its greatest life event; a live row
    /// holds its insert's values, each column replaced by the greatest-versioned update of that life carrying it.
    /// </summary>
    private static List<string> ReferenceModel(IEnumerable<RowChange> changes)
    {
        var rows = new List<string>();
        foreach (var byKey in changes.GroupBy(c => (string)c.Columns.Single(v => v.Name == "id").Value!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var life = byKey.Where(c => c.Operation is ChangeOperation.Insert or ChangeOperation.Delete).MaxBy(c => c.Version);
            if (life is null || life.Operation == ChangeOperation.Delete) continue;
            var values = life.Columns.ToDictionary(c => c.Name, c => (c.Value, Version: life.Version));
            foreach (var update in byKey.Where(c => c.Operation == ChangeOperation.Update && c.Life == life.Version))
                foreach (var column in update.Columns)
                    if (update.Version > values[column.Name].Version) values[column.Name] = (column.Value, update.Version);
            rows.Add(TestDatabase.FormatRow(new[] { "id" }.Concat(Columns).Select(c => values[c].Value).ToArray()));
        }
        return rows;
    }

    private static async Task ApplyAllAsync(CapturedDatabase target, IEnumerable<PendingBatch> batches)
    {
        await using var applier = await target.OpenApplierAsync();
        foreach (var pending in batches) await applier.ReapplyAsync(pending.Batch, "test", 1, CancellationToken.None);
    }
}
