using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>
/// A captured write must cost the same whatever the table's size: no statement the triggers run may scan a table. SQLite
/// shows the plans of trigger programs in EXPLAIN QUERY PLAN, so every application statement shape is checked, for every
/// kind of key, through this process's SQLite and through the sqlite3 shell (another SQLite build, as an application has).
/// </summary>
public sealed class CaptureQueryPlanTests
{
    public static TheoryData<string, string, string> KeyShapes => new()
    {
        { "integer rowid alias", "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT);", "1" },
        { "integer, not an alias", "CREATE TABLE t(id INTEGER NOT NULL, a, b TEXT, PRIMARY KEY (id DESC));", "1" },
        { "text", "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL, a, b TEXT);", "'k'" },
        { "text nocase", "CREATE TABLE t(id TEXT COLLATE NOCASE PRIMARY KEY NOT NULL, a, b TEXT);", "'k'" },
        { "blob", "CREATE TABLE t(id BLOB PRIMARY KEY NOT NULL, a, b TEXT);", "x'01'" },
        { "real", "CREATE TABLE t(id REAL PRIMARY KEY NOT NULL, a, b TEXT);", "1.5" },
        { "numeric", "CREATE TABLE t(id NUMERIC PRIMARY KEY NOT NULL, a, b TEXT);", "7" },
        { "no declared type", "CREATE TABLE t(id PRIMARY KEY NOT NULL, a, b TEXT);", "3" },
        { "composite", "CREATE TABLE t(x INTEGER NOT NULL, y TEXT NOT NULL, a, b TEXT, PRIMARY KEY (x, y));", "1, 'y'" },
        { "without rowid integer", "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT) WITHOUT ROWID;", "1" },
        { "without rowid composite", "CREATE TABLE t(x REAL, y BLOB, a, b TEXT, PRIMARY KEY (y, x)) WITHOUT ROWID;", "2.5, x'02'" },
    };

    [Theory]
    [MemberData(nameof(KeyShapes))]
    public async Task No_trigger_statement_scans_a_table(string shape, string schema, string key)
    {
        await using var node = await CapturedDatabase.CreateAsync(schema);
        var keyColumns = schema.Contains("(x, y)") ? "x, y" : schema.Contains("(y, x)") ? "x, y" : "id";
        var keyMatch = string.Join(" AND ", keyColumns.Split(", ").Zip(key.Split(", ")).Select(p => $"{p.First} = {p.Second}"));
        var statements = new[]
        {
            $"INSERT INTO t({keyColumns}, a, b) VALUES ({key}, 1, 'b')",
            $"INSERT OR REPLACE INTO t({keyColumns}, a, b) VALUES ({key}, 1, 'b')",
            $"UPDATE t SET a = 2 WHERE {keyMatch}",
            $"UPDATE t SET {keyColumns.Split(", ")[0]} = {key.Split(", ")[0]} WHERE {keyMatch}",
            $"DELETE FROM t WHERE {keyMatch}",
        };
        foreach (var statement in statements)
        {
            foreach (var plan in new[] { await PlanThroughEngineSqliteAsync(node.Database, statement), await PlanThroughShellAsync(node.Path, statement) })
            {
                Assert.True(plan.Any(line => line.Contains("TRIGGER", StringComparison.Ordinal)),
                    $"{shape}: the plan of '{statement}' shows no trigger program, so this test checks nothing:\n{string.Join("\n", plan)}");
                Assert.False(plan.Any(line => line.Contains("SCAN ", StringComparison.Ordinal)),
                    $"{shape}: '{statement}' scans a table:\n{string.Join("\n", plan)}");
            }
        }
    }

    /// <summary>SQLITE_DBCONFIG_TRIGGER_EQP: EXPLAIN QUERY PLAN includes the plans of the trigger programs a statement runs.</summary>
    private const int TriggerQueryPlans = 1008;

    internal static async Task<IReadOnlyList<string>> PlanThroughEngineSqliteAsync(TestDatabase database, string statement)
    {
        await using var connection = database.OpenConnection();
        Assert.Equal(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_db_config(connection.Handle, TriggerQueryPlans, 1, out _));
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return plan;
    }

    private static async Task<IReadOnlyList<string>> PlanThroughShellAsync(string path, string statement) =>
        (await SqliteCli.RunAsync(path, ".eqp trigger\n" + statement + ";\n")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
