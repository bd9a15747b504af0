using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.Engine.Capture;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary><c>harmonylite -config X -cleanup</c> on a database a node has been replicating.</summary>
public sealed class CleanupTests
{
    private const string UserObjects = """
        SELECT type, name, tbl_name, sql FROM sqlite_schema
        WHERE name NOT LIKE '\_\_harmonylite\_\_%' ESCAPE '\' AND tbl_name NOT LIKE '\_\_harmonylite\_\_%' ESCAPE '\' ORDER BY type, name;
        """;

    [Fact]
    public async Task Cleanup_removes_every_harmonylite_object_and_leaves_the_users_tables_rows_and_objects_untouched()
    {
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings
        {
            Nodes = 1,
            Routed = false,
            // Besides tables, the user's own index, view and trigger must survive too.
            Schema = """
                CREATE TABLE items(id TEXT PRIMARY KEY NOT NULL, name TEXT, qty INTEGER, price REAL, data BLOB);
                CREATE TABLE item_log(id INTEGER PRIMARY KEY, item TEXT NOT NULL, at TEXT NOT NULL);
                CREATE TABLE scratch(note TEXT);
                CREATE INDEX items_by_name ON items(name);
                CREATE VIEW cheap_items AS SELECT id, name FROM items WHERE price < 10;
                CREATE TRIGGER items_logged AFTER INSERT ON items BEGIN INSERT INTO item_log(item, at) VALUES (NEW.id, 'now'); END;
                """,
        });
        var node = cluster[1];
        await node.Database.ExecuteAsync("""
            INSERT INTO items VALUES ('a', 'apple', 3, 0.5, x'01'), ('b', 'bread', 1, 2.25, NULL), ('c', 'cheese', 2, 12.0, x'');
            UPDATE items SET qty = qty + 1 WHERE id = 'a';
            DELETE FROM items WHERE id = 'b';
            INSERT INTO scratch VALUES ('not replicated, still kept');
            """);
        await cluster.WaitUntilAsync(() => node.Database.HasPublishedEverythingAsync(), "node 1 publishing the writes");
        Assert.Equal(0, await node.StopAsync());

        var objectsBefore = await CountHarmonyLiteObjectsAsync(node);
        Assert.True(objectsBefore > 0, "the node created no HarmonyLite objects to remove");
        var userObjects = await SqliteShell.QueryAsync(node.Database.Path, UserObjects);
        var digest = await node.Database.DigestAsync();

        var run = await HarmonyliteExecutable.RunAsync(node.Directory, "-config", node.ConfigPath, "-cleanup");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"removed {objectsBefore} HarmonyLite objects", run.Error);
        Assert.Equal(0L, await node.Database.ScalarAsync($"SELECT count(*) FROM sqlite_schema WHERE name LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\' OR tbl_name LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\'"));
        Assert.Equal(userObjects, await SqliteShell.QueryAsync(node.Database.Path, UserObjects));
        var after = await node.Database.DigestAsync();
        Assert.Equal(digest.Sha256, after.Sha256);
        Assert.Equal(digest.RowCounts, after.RowCounts);
        Assert.Equal(["a|apple|4", "c|cheese|2"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT id, name, qty FROM items ORDER BY id;"));
        // Nothing dangling: an ordinary client writes as before, and only the user's trigger fires.
        await node.Database.ExecuteAsync("INSERT INTO items(id, name) VALUES ('d', 'dates'); UPDATE items SET qty = 0; DELETE FROM items WHERE id = 'c';");
        Assert.Equal(["4"], await SqliteShell.QueryAsync(node.Database.Path, "SELECT count(*) FROM item_log;"));
    }

    private static async Task<long> CountHarmonyLiteObjectsAsync(NodeProcess node) =>
        (long)(await node.Database.ScalarAsync($"SELECT count(*) FROM sqlite_schema WHERE name LIKE '{CaptureArtifactNames.LikePattern}' ESCAPE '\\'"))!;
}
