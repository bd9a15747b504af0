using System.Globalization;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Bulk rows per second: writer.py writes 100,000 rows into node 1's database in transactions of 1,000, as fast as it
/// can; the clock runs from its first insert until the last row is on node 3 (seen as in the delay suite), and all
/// 100,000 are counted there. A load that does not arrive within the timeout is reported at the rate it reached.
/// What bounds the figure is measured beside it, each run: the same load written into a database without HarmonyLite,
/// and into a copy of node 1's database with the nodes stopped (the capture triggers alone).
/// </summary>
public sealed class OutsideBulkBench : OutsideSuite
{
    public OutsideBulkBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-bulk";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var rates = new List<double>();
        var writeRates = new List<double>();
        var tails = new List<double>();
        var plainRates = new List<double>();
        var triggerRates = new List<double>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Items("bulk"), cancellationToken);
            var result = await OutsideWriter.RunAsync("bulk", Settings.BulkTimeout + TimeSpan.FromMinutes(2), cancellationToken,
                "--db", cluster[1].DatabasePath, "--observe", cluster[3].DatabasePath,
                "--rows", Settings.BulkRows.ToString(CultureInfo.InvariantCulture),
                "--per-txn", Settings.BulkTransactionRows.ToString(CultureInfo.InvariantCulture),
                "--max-seconds", Settings.BulkTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            var onNode3 = result.GetProperty("on_target").GetInt64();
            var seconds = result.GetProperty("visible_seconds").GetDouble();
            var written = result.GetProperty("written").GetInt64();
            var finished = result.GetProperty("all_visible").GetBoolean();
            rates.Add(onNode3 / seconds);
            var writeSeconds = result.GetProperty("write_seconds").GetDouble();
            writeRates.Add(written / writeSeconds);
            tails.Add(seconds - writeSeconds);
            report.Note(Name, $"run {run}: " + (finished
                ? $"all {Settings.BulkRows:N0} rows on node 3 after {seconds:N2} s (written on node 1 in {writeSeconds:N2} s)"
                : $"NOT FINISHED: after {seconds:N0} s node 1 held {written:N0} of {Settings.BulkRows:N0} rows and node 3 {onNode3:N0}; the rate is what node 3 got")
                + (DeadNodes(cluster) is { Length: > 0 } dead ? $"; {dead}" : ""));
            plainRates.Add(await PlainRateAsync(cluster.Directory, cancellationToken));
            triggerRates.Add(await TriggersOnlyRateAsync(cluster, cancellationToken));
        }
        report.Figure(Name, $"bulk {Settings.BulkRows:N0} rows in txns of {Settings.BulkTransactionRows:N0}, until all on node 3", rates, "rows/s", BenchGoal.AtLeast(50_000, "rows/s"));
        // What bounds it: the application's own writing (triggers, and the cores the nodes take), then what is left to replicate.
        report.Figure(Name, "  the application writing node 1 (capture triggers, nodes running)", writeRates, "rows/s", null);
        report.Figure(Name, "  the application writing node 1 (capture triggers, nodes stopped)", triggerRates, "rows/s", null);
        report.Figure(Name, "  the application writing a database without HarmonyLite", plainRates, "rows/s", null);
        report.Figure(Name, "  last row on node 3 after the application's last commit", tails, "s", null);
    }

    /// <summary>The load's write rate into a new database of the same table, no HarmonyLite.</summary>
    private async Task<double> PlainRateAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, "plain-bulk.db");
        await OutsideWriter.RunAsync("schema", TimeSpan.FromMinutes(1), cancellationToken, "--db", path, "--sql", OutsideSchema.Items("bulk"));
        var rate = await WriteRateAsync(path, 1, cancellationToken);
        BenchDatabase.Delete(path);
        return rate;
    }

    /// <summary>The load's write rate into a copy of node 1's database once the nodes stopped: the triggers stay, nothing reads.</summary>
    private async Task<double> TriggersOnlyRateAsync(Sidecars.SidecarCluster cluster, CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes) await node.StopAsync();
        var path = Path.Combine(cluster.Directory, "triggers-bulk.db");
        BenchDatabase.CopyWithWal(cluster[1].DatabasePath, path);
        var rate = await WriteRateAsync(path, Settings.BulkRows + 1, cancellationToken);
        BenchDatabase.Delete(path);
        return rate;
    }

    private async Task<double> WriteRateAsync(string path, int start, CancellationToken cancellationToken)
    {
        var result = await OutsideWriter.RunAsync("bulk", Settings.BulkTimeout + TimeSpan.FromMinutes(2), cancellationToken,
            "--db", path, "--observe", path, "--start", start.ToString(CultureInfo.InvariantCulture),
            "--rows", Settings.BulkRows.ToString(CultureInfo.InvariantCulture),
            "--per-txn", Settings.BulkTransactionRows.ToString(CultureInfo.InvariantCulture),
            "--max-seconds", Settings.BulkTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        return result.GetProperty("written").GetInt64() / result.GetProperty("write_seconds").GetDouble();
    }
}
