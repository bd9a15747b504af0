using HarmonyLite.Engine.Inspection;
using HarmonyLite.TestSupport;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Inspection;

public sealed class DatabaseDigestTests
{
    [Fact]
    public async Task Same_rows_in_any_insertion_order_give_the_same_digest_and_harmonylite_tables_do_not_count()
    {
        using var dir = new TempDirectory();
        var a = dir.File("a.db");
        var b = dir.File("b.db");
        Execute(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'x'), (2, 2.5), (3, NULL), (4, x'00ff');");
        Execute(b, "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (4, x'00ff'), (3, NULL), (2, 2.5), (1, 'x');" +
                   "CREATE TABLE __harmonylite__t_versions(id, hlc); INSERT INTO __harmonylite__t_versions VALUES (1, 5);");

        var digestA = await DatabaseDigest.ComputeAsync(a);
        var digestB = await DatabaseDigest.ComputeAsync(b);

        Assert.Equal(digestA.Sha256, digestB.Sha256);
        Assert.Equal(new Dictionary<string, long> { ["t"] = 4 }, digestA.RowCounts);
    }

    [Theory]
    [InlineData("UPDATE t SET v = '2.5' WHERE id = 2")]   // same text, other storage class
    [InlineData("UPDATE t SET v = x'00fe' WHERE id = 4")] // one bit in a blob
    [InlineData("DELETE FROM t WHERE id = 3")]
    [InlineData("INSERT INTO t VALUES (5, NULL)")]
    public async Task Any_difference_changes_the_digest(string change)
    {
        using var dir = new TempDirectory();
        var a = dir.File("a.db");
        var b = dir.File("b.db");
        const string seed = "CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 'x'), (2, 2.5), (3, NULL), (4, x'00ff');";
        Execute(a, seed);
        Execute(b, seed + change);

        Assert.NotEqual((await DatabaseDigest.ComputeAsync(a)).Sha256, (await DatabaseDigest.ComputeAsync(b)).Sha256);
    }

    private static void Execute(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
