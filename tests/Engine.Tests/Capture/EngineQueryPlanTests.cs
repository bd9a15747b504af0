using System.Text.RegularExpressions;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using HarmonyLite.Engine.Tests.Common;
using HarmonyLite.Engine.Tests.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>
/// The node's own work must not grow with the table either: every statement the reader, the applier and the tombstone
/// purger run while replicating (read, clean up, apply another node's changes, pass over its own, record positions,
/// purge) is caught by SQLite's trace on their connections and its query plan checked, for every kind of key: none
/// scans the application's table, its version table or the change log. Catalog tables (one row per table) may be read
/// whole.
/// </summary>
public sealed partial class EngineQueryPlanTests
{
    public static TheoryData<string, string, string> KeyShapes => CaptureQueryPlanTests.KeyShapes;

    [Theory]
    [MemberData(nameof(KeyShapes))]
    public async Task No_statement_the_node_runs_while_replicating_scans_a_table_that_grows_with_the_data(
        string shape, string schema, string key)
    {
        var keyColumns = schema.Contains("(x, y)") || schema.Contains("(y, x)") ? "x, y" : "id";
        var keyMatch = string.Join(" AND ", keyColumns.Split(", ").Zip(key.Split(", ")).Select(p => $"{p.First} = {p.Second}"));
        var traced = new TracedStatements();
        using var node1 = await TestDatabase.CreateAsync(schema);
        using var node2 = await TestDatabase.CreateAsync(schema);
        await InstallAsync(node1.Path, 1);
        await InstallAsync(node2.Path, 2);
        await using var reader = await ChangeReader.OpenAsync(node1.Path, 1, traced.Options("reader"), CancellationToken.None);
        await using var own = await ChangeApplier.OpenAsync(node1.Path, traced.Options("applier, own messages"), CancellationToken.None);
        await using var other = await ChangeApplier.OpenAsync(node2.Path, traced.Options("applier"), CancellationToken.None);
        await using var purger = await TombstonePurger.OpenAsync(node2.Path, CancellationToken.None,
            new ManualClock(DateTimeOffset.UtcNow + TimeSpan.FromHours(2)), options: traced.Options("tombstone purger"));

        // One message each: an insert, an update, a delete; then a second life of the row.
        ulong sequence = 0;
        foreach (var write in new[]
        {
            $"INSERT INTO t({keyColumns}, a, b) VALUES ({key}, 1, 'b')",
            $"UPDATE t SET a = 2 WHERE {keyMatch}",
            $"DELETE FROM t WHERE {keyMatch}",
            $"INSERT INTO t({keyColumns}, a, b) VALUES ({key}, 3, 'c')",
            $"DELETE FROM t WHERE {keyMatch}",
        })
        {
            await SqliteCli.RunAsync(node1.Path, write + ";");
            var pending = await reader.ReadPendingAsync(100, CancellationToken.None);
            Assert.NotNull(pending);
            reader.MarkPublished(pending);
            sequence++;
            Assert.True(await own.IsSupersededAsync(pending.Batch, CancellationToken.None),
                $"{shape}: its own node does not hold '{write}'");
            await own.SkipAsync("changes-1", sequence, CancellationToken.None);
            await other.ApplyAsync(pending.Batch, "changes-1", sequence, CancellationToken.None);
            await reader.CleanupPublishedAsync(CancellationToken.None);
        }
        Assert.Equal(1, await purger.PurgeAsync(TimeSpan.FromHours(1), CancellationToken.None));

        var guarded = new[] { "t", CaptureArtifactNames.Versions("t"), CaptureArtifactNames.Changes };
        var components = new[] { ("reader", node1), ("applier, own messages", node1), ("applier", node2), ("tombstone purger", node2) };
        foreach (var (component, database) in components)
        {
            var statements = traced.Of(component);
            Assert.True(statements.Any(s => s.Contains(CaptureArtifactNames.Versions("t"), StringComparison.Ordinal)
                    || s.Contains(CaptureArtifactNames.Changes, StringComparison.Ordinal)),
                $"{shape}: the trace caught nothing of the {component} touching the change log or a version table, "
                + $"so this test checks nothing:\n{string.Join("\n", statements)}");
            foreach (var statement in statements)
            {
                var plan = await CaptureQueryPlanTests.PlanThroughEngineSqliteAsync(database, statement);
                var scans = plan.Select(line => ScanLine().Match(line)).Where(m => m.Success)
                    .Where(m => guarded.Contains(m.Groups["table"].Value, StringComparer.OrdinalIgnoreCase)).ToList();
                Assert.True(scans.Count == 0, $"{shape}: the {component} runs '{statement}', which scans a table:\n{string.Join("\n", plan)}");
            }
        }
    }

    private static async Task InstallAsync(string path, long nodeId)
    {
        await using var installer = await CaptureInstaller.OpenAsync(path, nodeId, null, CancellationToken.None);
        await installer.InstallAsync(CancellationToken.None);
    }

    [GeneratedRegex(@"^SCAN (?<table>[^\s]+)")]
    private static partial Regex ScanLine();

    /// <summary>The distinct statements each component's connections ran, from SQLite's trace (bound values written in).</summary>
    private sealed class TracedStatements
    {
        private readonly Dictionary<string, HashSet<string>> _byComponent = [];

        public SqliteConnectionOptions Options(string component)
        {
            lock (_byComponent) _byComponent[component] = [];
            return SqliteConnectionOptions.Default with { Opened = connection => Trace(connection, component) };
        }

        public IReadOnlyList<string> Of(string component)
        {
            lock (_byComponent) return [.. _byComponent[component]];
        }

        private void Trace(SqliteConnection connection, string component) =>
            SQLitePCL.raw.sqlite3_trace(connection.Handle, (_, sql) =>
            {
                // Trigger programs are traced as comments naming the trigger: their plans are part of the statement's.
                if (sql.StartsWith("--", StringComparison.Ordinal) || !IsPlanned(sql)) return;
                lock (_byComponent) _byComponent[component].Add(sql);
            }, null);

        private static bool IsPlanned(string sql) =>
            sql.TrimStart() is var text && new[] { "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH" }
                .Any(verb => text.StartsWith(verb, StringComparison.OrdinalIgnoreCase));
    }
}
