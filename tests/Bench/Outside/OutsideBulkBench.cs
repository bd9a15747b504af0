using System.Globalization;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Bulk rows per second: writer.py writes 100,000 rows into node 1's database in transactions of 1,000, as fast as it
/// can; the clock runs from its first insert until the last row is on node 3 (seen as in the delay suite), and all
/// 100,000 are counted there. A load that does not arrive within the timeout is reported at the rate it reached.
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
        }
        report.Figure(Name, $"bulk {Settings.BulkRows:N0} rows in txns of {Settings.BulkTransactionRows:N0}, until all on node 3", rates, "rows/s", BenchGoal.AtLeast(50_000, "rows/s"));
        // What bounds it: the application's own writing (triggers, and the cores the nodes take), then what is left to replicate.
        report.Figure(Name, "  the application writing node 1 (capture triggers, nodes running)", writeRates, "rows/s", null);
        report.Figure(Name, "  last row on node 3 after the application's last commit", tails, "s", null);
    }
}
