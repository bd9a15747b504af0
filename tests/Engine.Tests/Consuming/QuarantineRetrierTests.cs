using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Codec.Wire;
using HarmonyLite.Engine.Consuming;
using HarmonyLite.Engine.Common;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.Consuming;

public sealed class QuarantineRetrierTests
{
    private const string Stream = "harmonylite-changes-1";
    private const ulong Sequence = 5;

    // From node 2: a row of a table this node does not have yet, and an old update of a row this node rewrote since.
    private static readonly byte[] Message = new ChangeBatchEncoder().Encode(new ChangeBatch(2, "2-x-1",
    [
        new RowChange("late", ChangeOperation.Insert, new RowVersion(1000, 2), [new("id", 1L), new("note", "arrived before its table")]),
        new RowChange("present", ChangeOperation.Update, new RowVersion(1000, 2), [new("id", 1L), new("note", "old value from node 2")]),
    ]));

    [Fact]
    public async Task A_message_quarantined_for_a_missing_table_applies_once_the_table_exists_and_older_changes_stay_superseded()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE present(id INTEGER PRIMARY KEY NOT NULL, note TEXT);");
        await node.Database.ExecuteAsync("INSERT INTO present VALUES (1, 'newer local value')");
        await using var quarantine = await QuarantineStore.OpenAsync(node.Path, null, CancellationToken.None);
        await using var applier = await node.OpenApplierAsync();
        var retrier = new QuarantineRetrier(applier, quarantine, new NodeCounters(), NullLogger.Instance);
        await quarantine.AddAsync(Stream, Sequence, Message, "table 'late' does not exist", 1, CancellationToken.None);

        Assert.Equal(0, await retrier.RetryAllAsync(CancellationToken.None));
        var stillQuarantined = Assert.Single(await quarantine.ListAsync(null, CancellationToken.None));
        Assert.Equal(1 + 1, stillQuarantined.Attempts);
        Assert.Contains("late", stillQuarantined.Error, StringComparison.Ordinal);

        // The operator catches the schema up, as any program would; the node's capture notices the new table.
        await node.Database.ExecuteAsync("CREATE TABLE late(id INTEGER PRIMARY KEY NOT NULL, note TEXT)");
        await node.ReinstallAsync();

        Assert.Equal(1, await retrier.RetryAllAsync(CancellationToken.None));
        Assert.Empty(await quarantine.ListAsync(null, CancellationToken.None));
        Assert.Equal("arrived before its table", await node.Database.ScalarAsync("SELECT note FROM late WHERE id = 1"));
        Assert.Equal("newer local value", await node.Database.ScalarAsync("SELECT note FROM present WHERE id = 1"));
        // The stream position belongs to the consumer, which moved past the message long ago: untouched.
        Assert.Empty(await applier.GetPositionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_running_retrier_notices_the_schema_change_by_itself()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE present(id INTEGER PRIMARY KEY NOT NULL, note TEXT);");
        await using var quarantine = await QuarantineStore.OpenAsync(node.Path, null, CancellationToken.None);
        await using var applier = await node.OpenApplierAsync();
        await quarantine.AddAsync(Stream, Sequence, Message, "table 'late' does not exist", 1, CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        var running = new QuarantineRetrier(applier, quarantine, new NodeCounters(), NullLogger.Instance).RunAsync(stopping.Token);
        try
        {
            await Eventually.WaitUntilAsync(async () => (await quarantine.ListAsync(null, CancellationToken.None)).Single().Attempts > 1,
                "the retrier trying the message at start");

            await node.Database.ExecuteAsync("CREATE TABLE late(id INTEGER PRIMARY KEY NOT NULL, note TEXT)");
            await node.ReinstallAsync();

            await Eventually.WaitUntilAsync(async () => await node.Database.CountAsync(CaptureArtifactNames.Quarantine) == 0, "the quarantine emptying after the schema change");
            Assert.Equal(1L, await node.Database.CountAsync("late"));
        }
        finally
        {
            await stopping.CancelAsync();
            await running;
        }
    }
}
