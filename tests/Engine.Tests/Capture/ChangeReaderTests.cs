using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

public sealed class ChangeReaderTests
{
    private const string Schema = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, tx TEXT NOT NULL, n INTEGER);";

    [Fact]
    public async Task Nothing_pending_returns_null_and_writes_nothing()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        var walBefore = new FileInfo(node.Path + "-wal").Length;

        Assert.Null(await node.ReadAsync());
        Assert.Null(await node.ReadAsync());

        Assert.Equal(0, await node.Reader.CountPendingAsync(CancellationToken.None));
        Assert.Equal(walBefore, new FileInfo(node.Path + "-wal").Length);
    }

    [Fact]
    public async Task A_batch_is_read_again_with_the_same_id_until_it_is_marked_published()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema, nodeId: 7);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 'one', 1), ('b', 'one', 2)");

        var first = Assert.IsType<PendingBatch>(await node.ReadAsync());
        var again = Assert.IsType<PendingBatch>(await node.ReadAsync());

        Assert.Equal(first.Batch.BatchId, again.Batch.BatchId);
        Assert.Equal(ChangeText.Of(first.Batch.Changes), ChangeText.Of(again.Batch.Changes));
        Assert.StartsWith("7-", first.Batch.BatchId);
        Assert.Equal((1, 2), (first.FirstSequence, first.LastSequence));
        Assert.Equal(2, await node.Reader.CountPendingAsync(CancellationToken.None));

        node.Reader.MarkPublished(first);
        node.Reader.MarkPublished(first); // idempotent
        Assert.Null(await node.ReadAsync());
        Assert.Equal(0, await node.Reader.CountPendingAsync(CancellationToken.None));

        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('c', 'two', 3)");
        var next = Assert.IsType<PendingBatch>(await node.ReadAsync());
        Assert.NotEqual(first.Batch.BatchId, next.Batch.BatchId);
        Assert.Equal((3, 3), (next.FirstSequence, next.LastSequence));
    }

    [Fact]
    public async Task Marking_a_batch_that_does_not_follow_the_published_one_is_refused()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 'one', 1)");
        var pending = Assert.IsType<PendingBatch>(await node.ReadAsync());
        var stranger = pending with { FirstSequence = 5, LastSequence = 9 };

        var error = Assert.Throws<InvalidOperationException>(() => node.Reader.MarkPublished(stranger));

        Assert.Contains("read pending changes again", error.Message);
        Assert.Equal(1, await node.Reader.CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ten_thousand_rows_in_one_transaction_come_alone_and_whole_while_small_transactions_respect_the_limit()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        var expected = new Dictionary<string, int>();
        async Task SmallTransaction(string label, int rows)
        {
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => $"('{label}-{i}', '{label}', {i})"));
            await SqliteCli.RunAsync(node.Path, $"BEGIN; INSERT INTO t VALUES {values}; COMMIT;");
            expected[label] = rows;
            await node.ReadAsync(10); // the publisher polls between transactions and publishes nothing yet
        }

        for (var i = 0; i < 6; i++) await SmallTransaction($"before{i}", 1 + i % 3);
        await SqliteCli.RunAsync(node.Path, """
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO t SELECT 'big-' || i, 'big', i FROM n;
            COMMIT;
            """);
        expected["big"] = 10_000;
        await node.ReadAsync(10);
        for (var i = 0; i < 6; i++) await SmallTransaction($"after{i}", 1 + i % 3);

        var batches = await node.DrainAsync(maxChanges: 10);

        var seen = new Dictionary<string, int>();
        foreach (var batch in batches)
        {
            var counts = batch.Batch.Changes.GroupBy(c => (string)c.Columns[1].Value!).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (label, count) in counts)
            {
                Assert.False(seen.ContainsKey(label), $"transaction {label} split over batches");
                Assert.Equal(expected[label], count);
                seen[label] = count;
            }
            if (counts.ContainsKey("big")) Assert.Single(counts);
            else Assert.InRange(batch.Batch.Changes.Count, 1, 10);
        }
        Assert.Equal(expected, seen);
        Assert.Equal(10_000, batches.Single(b => b.Batch.Changes.Count > 10).Batch.Changes.Count);
        // The limit packs as many whole transactions as fit: 1+2+3+1+2 = 9, then 3+... (not one transaction per batch).
        Assert.Equal(9, batches[0].Batch.Changes.Count);
    }

    [Fact]
    public async Task Transactions_written_between_two_reads_form_one_group_that_is_never_split()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        for (var i = 0; i < 5; i++) await node.Database.ExecuteAsync($"INSERT INTO t VALUES ('r{i}', 'tx{i}', {i})");

        // Nothing read in between: the reader cannot know where those five transactions end, so they go as one.
        var pending = Assert.IsType<PendingBatch>(await node.ReadAsync(maxChanges: 2));

        Assert.Equal(5, pending.Batch.Changes.Count);
    }

    [Fact]
    public async Task A_byte_budget_ends_a_batch_at_the_last_transaction_boundary_within_it()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        // Three transactions of 10 rows of 1,000 bytes each, every one seen by a read: the boundaries are known.
        for (var i = 0; i < 3; i++)
        {
            await SqliteCli.RunAsync(node.Path, $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
                + $"INSERT INTO t SELECT 'tx{i}-' || i, printf('%.1000c', 'x'), i FROM n;");
            await node.ReadAsync();
        }

        // About 25 rows' worth: two whole transactions fit, a third would not, and none is split.
        var pending = Assert.IsType<PendingBatch>(await node.Reader.ReadPendingAsync(1_000, CancellationToken.None, maxBytes: 25_000));

        Assert.Equal(20, pending.Batch.Changes.Count);
        Assert.False(pending.Cut);
    }

    [Fact]
    public async Task A_group_without_known_boundaries_is_cut_at_the_byte_budget_and_read_again_the_same()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        // Thirty transactions that no read saw one by one: where they end is unknown, so the budget cuts inside the group.
        for (var i = 0; i < 30; i++) await node.Database.ExecuteAsync($"INSERT INTO t VALUES ('r{i}', printf('%.1000c', 'x'), {i})");

        var first = Assert.IsType<PendingBatch>(await node.Reader.ReadPendingAsync(1_000, CancellationToken.None, maxBytes: 10_000));
        var again = Assert.IsType<PendingBatch>(await node.Reader.ReadPendingAsync(1_000, CancellationToken.None, maxBytes: 10_000));

        Assert.True(first.Cut);
        Assert.InRange(first.Batch.Changes.Count, 5, 9); // each row is 1,000 bytes and some for its names and versions
        Assert.Equal(first.Batch.BatchId, again.Batch.BatchId);
        var parts = new List<PendingBatch>();
        while (await node.Reader.ReadPendingAsync(1_000, CancellationToken.None, maxBytes: 10_000) is { } part)
        {
            parts.Add(part);
            node.Reader.MarkPublished(part);
        }
        Assert.Equal(30, parts.Sum(p => p.Batch.Changes.Count));
        Assert.False(parts[^1].Cut); // the last part ends where the group ends: a boundary the reader saw
    }

    [Fact]
    public async Task A_single_change_larger_than_the_byte_budget_still_comes_alone()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('big', printf('%.5000c', 'x'), 1)");
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('next', 'small', 2)");

        var pending = Assert.IsType<PendingBatch>(await node.Reader.ReadPendingAsync(1_000, CancellationToken.None, maxBytes: 1_000));

        Assert.Equal("big", Assert.Single(pending.Batch.Changes).Columns[0].Value);
    }

    [Fact]
    public async Task Concurrent_writers_never_see_a_transaction_split_and_changes_keep_capture_order_across_tables()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema + "CREATE TABLE u(id TEXT PRIMARY KEY NOT NULL, tx TEXT NOT NULL, n INTEGER);");
        var sizes = new Dictionary<string, int>();
        var random = new Random(1234);
        for (var i = 0; i < 150; i++) sizes[$"tx{i}"] = random.Next(1, 40);

        var reads = 0;
        var writer = Task.Run(async () =>
        {
            await using var connection = node.Database.OpenConnection();
            var n = 0L;
            var written = 0;
            foreach (var (label, size) in sizes)
            {
                if (++written % 10 == 0)
                {
                    // Every few transactions, let the reader catch up once, so reads and writes surely interleave.
                    var seen = Volatile.Read(ref reads);
                    await Eventually.WaitUntilAsync(() => Volatile.Read(ref reads) > seen, "the reader to read again");
                }
                await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync();
                for (var row = 0; row < size; row++)
                {
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = $"INSERT INTO {(row % 2 == 0 ? "t" : "u")} VALUES (@id, @tx, @n)";
                    insert.Parameters.AddWithValue("@id", $"{label}-{row}");
                    insert.Parameters.AddWithValue("@tx", label);
                    insert.Parameters.AddWithValue("@n", n++);
                    await insert.ExecuteNonQueryAsync();
                }
                await transaction.CommitAsync();
            }
        });

        var batches = new List<PendingBatch>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!writer.IsCompleted || await node.Reader.CountPendingAsync(CancellationToken.None) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "draining took too long");
            var read = await node.ReadAsync(maxChanges: 50);
            Interlocked.Increment(ref reads);
            if (read is { } pending)
            {
                batches.Add(pending);
                node.Reader.MarkPublished(pending);
            }
            else
            {
                await Task.Yield();
            }
        }
        await writer;

        var seen = new HashSet<string>();
        foreach (var batch in batches)
        {
            foreach (var group in batch.Batch.Changes.GroupBy(c => (string)c.Columns[1].Value!))
            {
                Assert.True(seen.Add(group.Key), $"transaction {group.Key} split over batches");
                Assert.Equal(sizes[group.Key], group.Count());
            }
        }
        Assert.Equal(sizes.Count, seen.Count);
        var order = batches.SelectMany(b => b.Batch.Changes).Select(c => (long)c.Columns[2].Value!).ToList();
        Assert.Equal(Enumerable.Range(0, order.Count).Select(i => (long)i), order);
        Assert.True(batches.Count > 1, $"only {batches.Count} batch: reads did not interleave with writes");
    }

    [Fact]
    public async Task Cleanup_deletes_published_changes_only()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 'one', 1), ('b', 'one', 2)");
        var published = Assert.IsType<PendingBatch>(await node.ReadAsync());
        node.Reader.MarkPublished(published);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('c', 'two', 3)");
        var pendingBefore = Assert.IsType<PendingBatch>(await node.ReadAsync());

        Assert.Equal(0L, await node.Database.ScalarAsync($"SELECT seq FROM \"{CaptureArtifactNames.Published}\""));
        Assert.Equal(2, await node.Reader.CleanupPublishedAsync(CancellationToken.None));
        Assert.Equal(0, await node.Reader.CleanupPublishedAsync(CancellationToken.None));

        Assert.Equal(1L, await node.Database.CountAsync(CaptureArtifactNames.Changes));
        Assert.Equal(2L, await node.Database.ScalarAsync($"SELECT seq FROM \"{CaptureArtifactNames.Published}\""));
        var pendingAfter = Assert.IsType<PendingBatch>(await node.ReadAsync());
        Assert.Equal((pendingBefore.Batch.BatchId, pendingBefore.FirstSequence, pendingBefore.LastSequence), (pendingAfter.Batch.BatchId, pendingAfter.FirstSequence, pendingAfter.LastSequence));
        Assert.Equal(ChangeText.Of(pendingBefore.Batch.Changes), ChangeText.Of(pendingAfter.Batch.Changes));
    }

    [Fact]
    public async Task Numbering_continues_after_cleanup_has_deleted_every_published_change()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 'one', 1), ('b', 'one', 2)");
        node.Reader.MarkPublished(Assert.IsType<PendingBatch>(await node.ReadAsync()));

        await node.Reader.CleanupPublishedAsync(CancellationToken.None);
        Assert.Null(await node.ReadAsync());
        Assert.Equal(0, await node.Reader.CountPendingAsync(CancellationToken.None));

        await SqliteCli.RunAsync(node.Path, "INSERT INTO t VALUES ('c', 'two', 3);");
        var next = Assert.IsType<PendingBatch>(await node.ReadAsync());
        Assert.Equal((3, 3), (next.FirstSequence, next.LastSequence));
        Assert.StartsWith("t Insert ", ChangeText.Of(Assert.Single(next.Batch.Changes)));
        Assert.EndsWith("id=text:c, tx=text:two, n=int:3", ChangeText.Of(next.Batch.Changes[0]));
        node.Reader.MarkPublished(next);
        Assert.Null(await node.ReadAsync());
    }

    [Fact]
    public async Task The_reader_refuses_a_node_id_other_than_the_installed_one_and_a_database_without_capture()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await node.Database.ExecuteAsync("INSERT INTO t VALUES ('a', 'one', 1)");
        var mismatch = await Assert.ThrowsAsync<InvalidOperationException>(() => ChangeReader.OpenAsync(node.Path, 2, null, CancellationToken.None));
        Assert.Contains("node 1", mismatch.Message);

        using var bare = await TestDatabase.CreateAsync(Schema);
        var missing = await Assert.ThrowsAsync<CaptureNotInstalledException>(() => ChangeReader.OpenAsync(bare.Path, 1, null, CancellationToken.None));
        Assert.Contains(bare.Path, missing.Message);
    }

    [Fact]
    public async Task Deletes_and_updates_of_the_same_rows_keep_their_order_within_a_batch()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await SqliteCli.RunAsync(node.Path, """
            INSERT INTO t VALUES ('a', 'x', 1);
            DELETE FROM t WHERE id = 'a';
            INSERT INTO t VALUES ('a', 'y', 2);
            UPDATE t SET n = 3;
            """);

        var changes = Assert.IsType<PendingBatch>(await node.ReadAsync()).Batch.Changes;

        Assert.Equal([ChangeOperation.Insert, ChangeOperation.Delete, ChangeOperation.Insert, ChangeOperation.Update], changes.Select(c => c.Operation));
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Version < p.Second.Version));
    }
}
