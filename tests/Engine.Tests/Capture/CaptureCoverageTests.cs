using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Capture;

/// <summary>What the health endpoint reads as <c>cdc_installed</c> and <c>tables_tracked</c>.</summary>
public sealed class CaptureCoverageTests
{
    private const string Schema = "CREATE TABLE a(id TEXT PRIMARY KEY NOT NULL, x); CREATE TABLE b(id TEXT PRIMARY KEY NOT NULL, y);";

    [Fact]
    public async Task Installed_capture_covers_every_watched_table()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);

        var coverage = await ReadAsync(node);

        Assert.Equal((2, true, 0), (coverage.TablesTracked, coverage.ChangeLogPresent, coverage.TablesWithoutTriggers.Count));
        Assert.True(coverage.IsInstalled);
    }

    [Fact]
    public async Task A_table_whose_trigger_was_dropped_is_named()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Database.ExecuteAsync($"DROP TRIGGER \"{CaptureArtifactNames.DeleteTrigger("b")}\"");

        var coverage = await ReadAsync(node);

        Assert.False(coverage.IsInstalled);
        Assert.Equal(["b"], coverage.TablesWithoutTriggers);
    }

    [Fact]
    public async Task Removed_capture_is_not_installed()
    {
        await using var node = await CapturedDatabase.CreateAsync(Schema);
        await node.Installer.RemoveAsync(CancellationToken.None);

        var coverage = await ReadAsync(node);

        Assert.Equal((false, false, 0), (coverage.IsInstalled, coverage.ChangeLogPresent, coverage.TablesTracked));
    }

    private static async Task<CaptureCoverage> ReadAsync(CapturedDatabase node)
    {
        await using var connection = await SqliteConnectionFactory.OpenAsync(node.Path, null, CancellationToken.None);
        return await CaptureCoverage.ReadAsync(connection, CancellationToken.None);
    }
}
