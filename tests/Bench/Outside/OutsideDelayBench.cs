using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HarmonyLite.Bench.Sidecars;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Delay node 1 -> node 3 of a single-row insert: writer.py inserts one row into node 1's database and waits for it on
/// node 3, probe after probe, with a pause between (each is a lone write). Node 3 is observed through inotify on its
/// database's directory: the application asks node 3 again (one indexed SELECT, a WAL read that no writer waits for)
/// when a file there changes and at least every 5 ms, so it neither polls node 3 in a tight loop nor lags behind it.
/// What bounds the delay: a plain NATS subscriber on node 1's nats-server notes when each probe's message passes it,
/// which splits the delay into node 1's share (the insert, capture, reading and publishing) and the rest (the stream,
/// delivery to node 3 and its apply, and the application seeing it there).
/// </summary>
public sealed partial class OutsideDelayBench : OutsideSuite
{
    private const int WarmUp = 20;

    public OutsideDelayBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-delay";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var p50 = new List<double>();
        var p99 = new List<double>();
        var max = new List<double>();
        var commit = new List<double>();
        var node1 = new List<double>();
        var rest = new List<double>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Pings, cancellationToken);
            string[] tap = ClientUrl(cluster[1]) is { } url ? ["--nats", url] : [];
            var result = await OutsideWriter.RunAsync("probe", TimeSpan.FromMinutes(15), cancellationToken,
                ["--db", cluster[1].DatabasePath, "--observe", cluster[3].DatabasePath,
                "--count", Settings.Probes.ToString(CultureInfo.InvariantCulture), "--warmup", WarmUp.ToString(CultureInfo.InvariantCulture), .. tap]);
            var delays = result.GetProperty("delays_ms").EnumerateArray().Select(e => e.GetDouble()).Order().ToList();
            var missing = result.GetProperty("missing").GetArrayLength();
            if (delays.Count == 0) throw new InvalidOperationException($"No probe reached node 3 ({missing} missing).\n{await cluster.DescribeAsync()}");
            p50.Add(Percentile(delays, 0.50));
            p99.Add(Percentile(delays, 0.99));
            max.Add(delays[^1]);
            var observer = result.GetProperty("observer");
            commit.Add(Percentile(result.GetProperty("commit_ms").EnumerateArray().Select(e => e.GetDouble()).Order().ToList(), 0.50));
            var split = result.GetProperty("published_ms").EnumerateArray().Select(e => (Node1: e[0].GetDouble(), Whole: e[1].GetDouble())).ToList();
            if (split.Count > 0)
            {
                node1.Add(Percentile(split.Select(s => s.Node1).Order().ToList(), 0.50));
                rest.Add(Percentile(split.Select(s => s.Whole - s.Node1).Order().ToList(), 0.50));
                report.Note(Name, $"run {run}: {split.Count} probes seen passing node 1's nats-server, p50 {node1[^1]:N2} ms after the insert began "
                    + $"(the insert itself p50 {commit[^1]:N2} ms), then p50 {rest[^1]:N2} ms until the application saw the row on node 3");
            }
            report.Note(Name, $"run {run}: p50 {p50[^1]:N2} ms, p99 {p99[^1]:N2} ms over {delays.Count} probes, {missing} never seen; observer: {Describe(observer)}"
                + (DeadNodes(cluster) is { Length: > 0 } dead ? $"; {dead}" : ""));
        }
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p50 ({Settings.Probes} probes)", p50, "ms", BenchGoal.AtMost(3, "ms"));
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p99 ({Settings.Probes} probes)", p99, "ms", BenchGoal.AtMost(15, "ms"));
        report.Figure(Name, "delay node 1 -> node 3, single-row insert, max", max, "ms", null);
        // What bounds it: the p50 of each part of the path (a probe's parts need not add up to the p50 of the whole).
        report.Figure(Name, "  the application's insert itself (with the capture triggers), p50", commit, "ms", null);
        if (node1.Count > 0)
        {
            report.Figure(Name, "  insert began -> its message passed node 1's nats-server, p50", node1, "ms", null);
            report.Figure(Name, "  message passed node 1's nats-server -> row seen on node 3, p50", rest, "ms", null);
        }
    }

    /// <summary>Node 1's nats-server client URL, from the line the node logs when its embedded server is ready.</summary>
    private static string? ClientUrl(SidecarNode node) =>
        node.Output.LinesSince(0).Select(l => ReadyAt().Match(l)).FirstOrDefault(m => m.Success)?.Groups["url"].Value;

    [GeneratedRegex(@"ready at (?<url>nats://[0-9.]+:\d+)")]
    private static partial Regex ReadyAt();

    private static string Describe(JsonElement observer) =>
        $"{observer.GetProperty("mode").GetString()}; {observer.GetProperty("queries").GetInt64()} queries of node 3 "
        + $"({observer.GetProperty("query_seconds").GetDouble() * 1e6 / Math.Max(1, observer.GetProperty("queries").GetInt64()):N0} us each), "
        + $"{observer.GetProperty("event_wakeups").GetInt64()} woken by a change, {observer.GetProperty("backstop_wakeups").GetInt64()} by the backstop";

    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * fraction) - 1)];
}
