using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.Engine.Tests.Common;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Apply;

/// <summary>
/// Tombstones (version rows of deleted rows) are purged once older than the retention: newer ones and live rows stay,
/// a purged row's older updates do not bring it back, and a database deleting as much as it inserts stops growing.
/// </summary>
public sealed class TombstonePurgerTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    [Fact]
    public async Task Purges_tombstones_older_than_the_retention_and_keeps_newer_ones_and_live_rows()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, v);");
        await SqliteCli.RunAsync(node.Path, "INSERT INTO t VALUES ('a', 1), ('b', 2), ('c', 3); DELETE FROM t WHERE id IN ('a', 'b');");

        await using (var now = await TombstonePurger.OpenAsync(node.Path, CancellationToken.None, new ManualClock(DateTimeOffset.UtcNow)))
            Assert.Equal(0, await now.PurgeAsync(Retention, CancellationToken.None));
        Assert.Equal(["a", "b", "c"], await KeysAsync(node));

        await using (var later = await TombstonePurger.OpenAsync(node.Path, CancellationToken.None, new ManualClock(DateTimeOffset.UtcNow + 2 * Retention)))
            Assert.Equal(2, await later.PurgeAsync(Retention, CancellationToken.None));
        Assert.Equal(["c"], await KeysAsync(node));
        Assert.Equal(["c|3"], await SqliteCli.QueryAsync(node.Path, "SELECT * FROM t;"));
    }

    [Fact]
    public async Task An_older_update_of_a_row_whose_tombstone_was_purged_does_not_bring_it_back()
    {
        const string Schema = "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b);";
        await using var node1 = await CapturedDatabase.CreateAsync(Schema, nodeId: 1);
        await using var node2 = await CapturedDatabase.CreateAsync(Schema, nodeId: 2);
        await SqliteCli.RunAsync(node1.Path, "INSERT INTO t VALUES ('k', 1, 1);");
        await ApplyAsync(node2, await node1.DrainAsync());

        // Node 1's update has not reached node 2 when node 2 deletes the row and, much later, forgets the delete.
        await SqliteCli.RunAsync(node1.Path, "UPDATE t SET a = 2 WHERE id = 'k';");
        await SqliteCli.RunAsync(node2.Path, "DELETE FROM t WHERE id = 'k';");
        await using var purger = await TombstonePurger.OpenAsync(node2.Path, CancellationToken.None, new ManualClock(DateTimeOffset.UtcNow + 2 * Retention));
        Assert.Equal(1, await purger.PurgeAsync(Retention, CancellationToken.None));

        await ApplyAsync(node2, await node1.DrainAsync());

        Assert.Empty(await SqliteCli.QueryAsync(node2.Path, "SELECT * FROM t;"));
        // What node 2 holds of the update (for an insert of its life that never comes) is purged in turn.
        Assert.Equal(1, await purger.PurgeAsync(Retention, CancellationToken.None));
        Assert.Empty(await KeysAsync(node2));
    }

    [Fact]
    public async Task A_database_that_deletes_what_it_inserts_stops_growing()
    {
        var purged = await PagesOverRoundsAsync(purge: true);
        var kept = await PagesOverRoundsAsync(purge: false);

        // From round 10 on, the purged file stays within two pages (B-tree splits fall a little differently each
        // round); the one that keeps its tombstones grows with every round.
        Assert.True(purged.Skip(10).Max() - purged[9] <= 2, $"with purge the file grew from {purged[9]} pages after round 10 to {purged.Max()}: {string.Join(", ", purged)}");
        Assert.True(kept[^1] - kept[9] > 20, $"without purge the file grew only from {kept[9]} to {kept[^1]} pages: {string.Join(", ", kept)}");
    }

    /// <summary>30 rounds of 300 inserts and 300 deletes of new keys, published and cleaned up; the page count after each.</summary>
    private static async Task<List<long>> PagesOverRoundsAsync(bool purge)
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE queue(id TEXT PRIMARY KEY NOT NULL, body TEXT);");
        await using var purger = await TombstonePurger.OpenAsync(node.Path, CancellationToken.None, new ManualClock(DateTimeOffset.UtcNow + 2 * Retention));
        var pages = new List<long>();
        for (var round = 1; round <= 30; round++)
        {
            await SqliteCli.RunAsync(node.Path, $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                INSERT INTO queue SELECT 'job {round}-' || i, printf('%0200d', i) FROM n;
                DELETE FROM queue;
                """);
            await node.DrainAsync();
            await node.Reader.CleanupPublishedAsync(CancellationToken.None);
            if (purge) Assert.Equal(300, await purger.PurgeAsync(Retention, CancellationToken.None));
            pages.Add((long)(await node.Database.QueryAsync("PRAGMA page_count")).Single()[0]!);
        }
        Assert.Equal(purge ? 0 : 9000, (await KeysAsync(node, "queue")).Count);
        return pages;
    }

    private static async Task<List<string>> KeysAsync(CapturedDatabase node, string table = "t") =>
        (await node.Database.QueryAsync($"SELECT key1 FROM \"{CaptureArtifactNames.Versions(table)}\" ORDER BY key1")).Select(r => (string)r[0]!).ToList();

    private static async Task ApplyAsync(CapturedDatabase target, IEnumerable<PendingBatch> batches)
    {
        await using var applier = await target.OpenApplierAsync();
        foreach (var pending in batches) await applier.ReapplyAsync(pending.Batch, "test", 1, CancellationToken.None);
    }
}
