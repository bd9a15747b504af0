using System.Globalization;
using System.Text.Json;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Delay node 1 -> node 3 of a single-row insert: writer.py inserts one row into node 1's database and waits for it on
/// node 3, probe after probe, with a pause between (each is a lone write). Node 3 is observed through inotify on its
/// database's directory: the application asks node 3 again (one indexed SELECT, a WAL read that no writer waits for)
/// when a file there changes and at least every 5 ms, so it neither polls node 3 in a tight loop nor lags behind it.
/// </summary>
public sealed class OutsideDelayBench : OutsideSuite
{
    private const int WarmUp = 20;

    public OutsideDelayBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-delay";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var p50 = new List<double>();
        var p99 = new List<double>();
        var max = new List<double>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Pings, cancellationToken);
            var result = await OutsideWriter.RunAsync("probe", TimeSpan.FromMinutes(15), cancellationToken,
                "--db", cluster[1].DatabasePath, "--observe", cluster[3].DatabasePath,
                "--count", Settings.Probes.ToString(CultureInfo.InvariantCulture), "--warmup", WarmUp.ToString(CultureInfo.InvariantCulture));
            var delays = result.GetProperty("delays_ms").EnumerateArray().Select(e => e.GetDouble()).Order().ToList();
            var missing = result.GetProperty("missing").GetArrayLength();
            if (delays.Count == 0) throw new InvalidOperationException($"No probe reached node 3 ({missing} missing).\n{await cluster.DescribeAsync()}");
            p50.Add(Percentile(delays, 0.50));
            p99.Add(Percentile(delays, 0.99));
            max.Add(delays[^1]);
            var observer = result.GetProperty("observer");
            report.Note(Name, $"run {run}: p50 {p50[^1]:N2} ms, p99 {p99[^1]:N2} ms over {delays.Count} probes, {missing} never seen; observer: {Describe(observer)}"
                + (DeadNodes(cluster) is { Length: > 0 } dead ? $"; {dead}" : ""));
        }
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p50 ({Settings.Probes} probes)", p50, "ms", BenchGoal.AtMost(3, "ms"));
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p99 ({Settings.Probes} probes)", p99, "ms", BenchGoal.AtMost(15, "ms"));
        report.Figure(Name, "delay node 1 -> node 3, single-row insert, max", max, "ms", null);
    }

    private static string Describe(JsonElement observer) =>
        $"{observer.GetProperty("mode").GetString()}; {observer.GetProperty("queries").GetInt64()} queries of node 3 "
        + $"({observer.GetProperty("query_seconds").GetDouble() * 1e6 / Math.Max(1, observer.GetProperty("queries").GetInt64()):N0} us each), "
        + $"{observer.GetProperty("event_wakeups").GetInt64()} woken by a change, {observer.GetProperty("backstop_wakeups").GetInt64()} by the backstop";

    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * fraction) - 1)];
}
