using System.Diagnostics;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench;

/// <summary>
/// What change capture costs an application's writes (single-row transactions with and without the triggers, WAL,
/// synchronous=NORMAL), how fast pending changes are read, and how fast batches of 1,000 changes are applied.
/// </summary>
public sealed class CaptureBench : IBenchSuite
{
    private const int Rows = 100_000;
    private const int ApplyBatchSize = 1_000;

    public string Name => "capture";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory("harmonylite-bench-capture");

        var plainPath = await BenchDatabase.CreateAsync(directory.File("plain.db"), BenchDatabase.ItemsTable, cancellationToken);
        var plain = await BenchDatabase.InsertItemsOneByOneAsync(plainPath, "item", Rows, busyTimeout: true, cancellationToken);
        report.Figure(Name, $"{Rows:N0} single-row transactions, no triggers", plain, "rows/s");

        var capturedPath = await BenchDatabase.CreateAsync(directory.File("captured.db"), BenchDatabase.ItemsTable, cancellationToken);
        await using (var installer = await CaptureInstaller.OpenAsync(capturedPath, 1, null, cancellationToken))
            await installer.InstallAsync(cancellationToken);
        var captured = await BenchDatabase.InsertItemsOneByOneAsync(capturedPath, "item", Rows, busyTimeout: true, cancellationToken);
        report.Figure(Name, $"{Rows:N0} single-row transactions, capture triggers", captured, "rows/s");
        report.Figure(Name, "write cost of capture (no triggers / with triggers)", plain / captured, "x");

        List<ChangeBatch> batches;
        await using (var reader = await ChangeReader.OpenAsync(capturedPath, 1, null, cancellationToken))
        {
            var watch = Stopwatch.StartNew();
            var pending = await reader.ReadPendingAsync(Rows, cancellationToken) ?? throw new InvalidOperationException("nothing captured");
            report.Figure(Name, $"read {pending.Batch.Changes.Count:N0} pending changes in one read transaction", pending.Batch.Changes.Count / watch.Elapsed.TotalSeconds, "rows/s");
            batches = pending.Batch.Changes.Chunk(ApplyBatchSize).Select((chunk, i) => new ChangeBatch(1, $"bench-{i}", chunk)).ToList();
        }

        var replicaPath = await BenchDatabase.CreateAsync(directory.File("replica.db"), BenchDatabase.ItemsTable, cancellationToken);
        await using (var installer = await CaptureInstaller.OpenAsync(replicaPath, 2, null, cancellationToken))
            await installer.InstallAsync(cancellationToken);
        await using (var applier = await ChangeApplier.OpenAsync(replicaPath, null, cancellationToken))
        {
            var watch = Stopwatch.StartNew();
            var sequence = 0UL;
            foreach (var batch in batches) await applier.ApplyAsync(batch, "bench", ++sequence, cancellationToken);
            report.Figure(Name, $"apply {Rows:N0} inserts in batches of {ApplyBatchSize:N0}", Rows / watch.Elapsed.TotalSeconds, "rows/s");

            watch.Restart();
            var again = 0UL;
            foreach (var batch in batches) await applier.ApplyAsync(batch, "bench-again", ++again, cancellationToken);
            report.Figure(Name, $"apply the same {Rows:N0} again (all superseded)", Rows / watch.Elapsed.TotalSeconds, "rows/s");
        }
    }
}
