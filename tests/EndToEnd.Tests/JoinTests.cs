using HarmonyLite.EndToEnd.Tests.Harness;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests;

/// <summary>A fresh node joins a running cluster with nothing but the schema.</summary>
public sealed class JoinTests
{
    private const string Schema = """
        CREATE TABLE books(id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, author TEXT, year INTEGER);
        CREATE TABLE loans(book_id TEXT NOT NULL, member TEXT NOT NULL, due TEXT, PRIMARY KEY (book_id, member));
        """;

    [Fact]
    public async Task A_fresh_node_with_an_empty_copy_of_the_schema_catches_up_from_the_stream_and_then_replicates_both_ways()
    {
        await using var cluster = await ClusterHarness.StartAsync(new ClusterSettings { Nodes = 2, Schema = Schema });

        // History the newcomer must replay: inserts from both nodes, updates and deletes of each other's rows.
        await cluster[1].Database.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO books(id, title, author, year) SELECT 'b' || i, 'Title ' || i, 'Author ' || (i % 17), 1900 + i % 120 FROM n;
            """);
        await cluster[2].Database.ExecuteAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
            INSERT INTO loans(book_id, member, due) SELECT 'b' || i, 'member ' || (i % 9), date('2025-01-01', '+' || i || ' days') FROM n;
            """);
        await cluster.WaitForCountAsync("books", 300);
        await cluster.WaitForCountAsync("loans", 200);
        await cluster[2].Database.ExecuteAsync("UPDATE books SET title = title || ' (2nd edition)' WHERE id IN ('b1', 'b2', 'b3'); DELETE FROM books WHERE id = 'b300';");
        await cluster[1].Database.ExecuteAsync("DELETE FROM loans WHERE member = 'member 0'; UPDATE loans SET due = NULL WHERE book_id = 'b5';");
        await cluster.WaitConvergedAsync("history on the first two nodes");

        var newcomer = await cluster.AddNodeAsync(new NodeSettings(), Schema);
        Assert.Equal(0, await newcomer.Database.CountAsync("books"));
        await newcomer.StartAsync();
        await cluster.WaitConvergedAsync("the newcomer caught up");
        Assert.Equal(299, await newcomer.Database.CountAsync("books"));
        Assert.Equal(["b1|Title 1 (2nd edition)"], await SqliteShell.QueryAsync(newcomer.Database.Path, "SELECT id, title FROM books WHERE id = 'b1';"));

        // A full member now: its writes reach the others, and theirs reach it.
        await newcomer.Database.ExecuteAsync("INSERT INTO books(id, title) VALUES ('from-3', 'Written on the newcomer');");
        await cluster[1].Database.ExecuteAsync("INSERT INTO books(id, title) VALUES ('from-1', 'Written after the join');");
        await cluster.WaitForCountAsync("books", 1, "id = 'from-3'");
        await cluster.WaitForCountAsync("books", 1, "id = 'from-1'");
        await cluster.WaitConvergedAsync("writes after the join");
    }
}
