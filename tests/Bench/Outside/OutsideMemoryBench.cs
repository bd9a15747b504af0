using System.Globalization;
using HarmonyLite.Bench.Sidecars;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Resident memory (VmRSS from /proc) of each node: the sidecar process plus its nats-server child. Idle is sampled
/// 10 s after the cluster started; then writer.py writes on all three nodes (inserts, updates, deletes) for the soak
/// (5 minutes by default, --soak-minutes), sampled every 5 s; after the soak the nodes are left to agree and idle for
/// 30 s and are sampled again. Each sample is the median of five taken a second apart. "Flat" means the largest node
/// grew by at most 10% from idle to after the soak.
/// </summary>
public sealed class OutsideMemoryBench : OutsideSuite
{
    private const double Mb = 1024 * 1024;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdleAfterSoak = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SoakSampleEvery = TimeSpan.FromSeconds(5);

    public OutsideMemoryBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-memory";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var idle = new List<double>();
        var after = new List<double>();
        var growth = new List<double>();
        var peak = new List<double>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Busy, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            var idleSample = await SampleAsync(cluster, cancellationToken);

            var peaks = cluster.Nodes.ToDictionary(n => n.Id, _ => 0L);
            var writers = cluster.Nodes.Select(n => OutsideWriter.Start("trickle", "--db", n.DatabasePath, "--node", Number(n.Id),
                "--start", Number(n.Id * 10_000_000), "--rate", Settings.SoakWritesPerNode.ToString(CultureInfo.InvariantCulture),
                "--seconds", Settings.Soak.TotalSeconds.ToString(CultureInfo.InvariantCulture))).ToList();
            try
            {
                var soakEnds = DateTime.UtcNow + Settings.Soak;
                while (DateTime.UtcNow < soakEnds)
                {
                    await Task.Delay(SoakSampleEvery, cancellationToken);
                    foreach (var memory in cluster.Nodes.Select(n => n.Memory())) peaks[memory.NodeId] = Math.Max(peaks[memory.NodeId], memory.TotalBytes);
                }
                long writes = 0;
                foreach (var writer in writers) writes += (await writer.ResultAsync(TimeSpan.FromMinutes(5), cancellationToken)).GetProperty("writes").GetInt64();
                report.Note(Name, $"run {run}: soak of {Settings.Soak.TotalMinutes:N1} min, {writes:N0} writes on the three nodes ({writes / Settings.Soak.TotalSeconds:N0}/s)");
            }
            finally
            {
                foreach (var writer in writers) await writer.DisposeAsync();
            }
            var dead = DeadNodes(cluster);
            if (dead.Length > 0) report.Note(Name, $"run {run}: {dead}; the figures below are of the nodes still running");
            else await AgreeAsync(cluster, report, run, cancellationToken);
            await Task.Delay(IdleAfterSoak, cancellationToken);
            var afterSample = await SampleAsync(cluster, cancellationToken);

            var running = cluster.Nodes.Where(n => n.IsRunning).ToList();
            if (running.Count == 0) continue;
            foreach (var node in running)
            {
                var (i, a) = (idleSample[node.Id], afterSample[node.Id]);
                report.Note(Name, $"run {run}, node {node.Id}: idle {Mb2(i.TotalBytes)} ({Mb2(i.NodeBytes)} sidecar + {Mb2(i.NatsServerBytes)} nats-server), "
                    + $"soak peak {Mb2(peaks[node.Id])}, after {Mb2(a.TotalBytes)} ({Mb2(a.NodeBytes)} + {Mb2(a.NatsServerBytes)})");
            }
            idle.Add(idleSample.Values.Max(m => m.TotalBytes) / Mb);
            after.Add(running.Max(n => afterSample[n.Id].TotalBytes) / Mb);
            peak.Add(peaks.Values.Max() / Mb);
            growth.Add(running.Max(n => 100.0 * (afterSample[n.Id].TotalBytes - idleSample[n.Id].TotalBytes) / idleSample[n.Id].TotalBytes));
        }
        report.Figure(Name, "RSS per node incl. its nats-server, idle (largest node)", idle, "MB", BenchGoal.AtMost(60, "MB"));
        report.Figure(Name, $"RSS per node incl. its nats-server, after a {Settings.Soak.TotalMinutes:0.#}-minute soak (largest)", after, "MB", BenchGoal.AtMost(60, "MB"));
        report.Figure(Name, "RSS growth idle -> after the soak (node that grew most)", growth, "%", BenchGoal.AtMost(10, "%"));
        report.Figure(Name, "  RSS during the soak, peak (largest node)", peak, "MB", null);
    }

    private static async Task AgreeAsync(SidecarCluster cluster, BenchReport report, int run, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.WaitAgreedAsync("after the soak", TimeSpan.FromMinutes(5), cancellationToken);
        }
        catch (TimeoutException)
        {
            report.Note("outside-memory", $"run {run}: the databases did not agree within 5 minutes after the soak");
        }
    }

    /// <summary>Each node's memory as the median of five samples a second apart (by total).</summary>
    private static async Task<Dictionary<int, NodeMemory>> SampleAsync(SidecarCluster cluster, CancellationToken cancellationToken)
    {
        var samples = cluster.Nodes.ToDictionary(n => n.Id, _ => new List<NodeMemory>());
        for (var i = 0; i < 5; i++)
        {
            if (i > 0) await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            foreach (var node in cluster.Nodes) samples[node.Id].Add(node.Memory());
        }
        return samples.ToDictionary(s => s.Key, s => s.Value.OrderBy(m => m.TotalBytes).ElementAt(2));
    }

    private static string Mb2(long? bytes) => bytes is long b ? $"{b / Mb:N1} MB" : "n/a";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
