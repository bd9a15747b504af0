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
/// What bounds the delay: plain NATS subscribers on node 1's and node 3's nats-servers note when each probe's message
/// passes node 1's server, is delivered to node 3's consumer and is acknowledged by node 3 (after its apply), which
/// splits the delay into node 1's share (insert, capture, read, publish), the stream's, node 3's apply and the rest.
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
        var parts = new Dictionary<string, List<double>>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Pings, cancellationToken);
            string[] tap = [.. ClientUrl(cluster[1]) is { } url ? new[] { "--nats", url } : [],
                .. ClientUrl(cluster[3]) is { } far ? new[] { "--observe-nats", far, "--consumer", "harmonylite-node-3" } : []];
            var result = await OutsideWriter.RunAsync("probe", TimeSpan.FromMinutes(15), cancellationToken,
                ["--db", cluster[1].DatabasePath, "--observe", cluster[3].DatabasePath,
                "--count", Settings.Probes.ToString(CultureInfo.InvariantCulture), "--warmup", WarmUp.ToString(CultureInfo.InvariantCulture), .. tap]);
            var delays = result.GetProperty("delays_ms").EnumerateArray().Select(e => e.GetDouble()).Order().ToList();
            var missing = result.GetProperty("missing").GetArrayLength();
            if (delays.Count == 0) throw new InvalidOperationException($"No probe reached node 3 ({missing} missing).\n{await cluster.DescribeAsync()}");
            p50.Add(Percentile(delays, 0.50));
            p99.Add(Percentile(delays, 0.99));
            max.Add(delays[^1]);
            commit.Add(Percentile(result.GetProperty("commit_ms").EnumerateArray().Select(e => e.GetDouble()).Order().ToList(), 0.50));
            var splits = result.GetProperty("split_ms").EnumerateArray()
                .Select(e => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray()).ToList();
            var seen = new List<string>();
            foreach (var (part, from, to) in Parts)
            {
                var spans = splits.Where(p => (from < 0 || p[from] is not null) && p[to] is not null).Select(p => p[to]!.Value - (from < 0 ? 0 : p[from]!.Value)).Order().ToList();
                if (spans.Count == 0) continue;
                if (!parts.TryGetValue(part, out var list)) parts[part] = list = new List<double>();
                list.Add(Percentile(spans, 0.50));
                seen.Add($"{part} {list[^1]:N2} ms ({spans.Count} probes)");
            }
            report.Note(Name, $"run {run}: the insert itself p50 {commit[^1]:N2} ms; p50 of each part: {(seen.Count > 0 ? string.Join("; ", seen) : "no tap saw the probes")}");
            var observer = result.GetProperty("observer");
            report.Note(Name, $"run {run}: p50 {p50[^1]:N2} ms, p99 {p99[^1]:N2} ms over {delays.Count} probes, {missing} never seen; observer: {Describe(observer)}"
                + (DeadNodes(cluster) is { Length: > 0 } dead ? $"; {dead}" : ""));
        }
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p50 ({Settings.Probes} probes)", p50, "ms", BenchGoal.AtMost(3, "ms"));
        report.Figure(Name, $"delay node 1 -> node 3, single-row insert, p99 ({Settings.Probes} probes)", p99, "ms", BenchGoal.AtMost(15, "ms"));
        report.Figure(Name, "delay node 1 -> node 3, single-row insert, max", max, "ms", null);
        // What bounds it: the p50 of each part of the path (the parts' p50s need not add up to the whole's p50).
        report.Figure(Name, "  the application's insert itself (with the capture triggers), p50", commit, "ms", null);
        foreach (var (part, _, _) in Parts)
            if (parts.TryGetValue(part, out var list)) report.Figure(Name, $"  {part}, p50", list, "ms", null);
    }

    /// <summary>
    /// The parts of a probe's delay, as indexes into writer.py's split_ms entries (-1: the insert's start): published
    /// (passed node 1's server), delivered (to node 3's consumer), acked (by node 3, once applied), seen (by the application).
    /// </summary>
    private static readonly (string Part, int From, int To)[] Parts =
    [
        ("insert began -> its message passed node 1's nats-server", -1, 0),
        ("-> delivered to node 3 (stream, consumer, routes)", 0, 1),
        ("-> node 3 acked it (decode, apply, commit)", 1, 2),
        ("-> the application saw the row on node 3 (ack and sight race)", 2, 3),
        ("message passed node 1's nats-server -> row seen on node 3", 0, 3),
    ];

    /// <summary>Node 1's nats-server client URL, from the line the node logs when its embedded server is ready.</summary>
    private static string? ClientUrl(SidecarNode node) =>
        node.Output.LinesSince(0).Select(l => ReadyAt().Match(l)).FirstOrDefault(m => m.Success)?.Groups["url"].Value;

    [GeneratedRegex(@"ready at (?<url>nats://[0-9.]+:\d+)")]
    private static partial Regex ReadyAt();

    private static string Describe(JsonElement observer) =>
        $"{observer.GetProperty("mode").GetString()}; {observer.GetProperty("queries").GetInt64()} queries of node 3 "
        + $"({observer.GetProperty("query_seconds").GetDouble() * 1e6 / Math.Max(1, observer.GetProperty("queries").GetInt64()):N0} us each), "
        + $"{observer.GetProperty("event_wakeups").GetInt64()} woken by a change, {observer.GetProperty("backstop_wakeups").GetInt64()} by the backstop, "
        + $"{observer.GetProperty("settle_queries").GetInt64()} asked again just after a change";

    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * fraction) - 1)];
}
