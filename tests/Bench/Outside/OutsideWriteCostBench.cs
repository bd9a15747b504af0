using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// What a running node costs the application: writer.py's single-row inserts (one transaction each, autocommit) into
/// a table that already holds 100,000 (then 1,000,000) rows, on node 1 of a running three-node cluster whose databases
/// are copies of one file, and on a plain copy of the same file with no HarmonyLite just before and just after. The
/// ratio of the node's time to the plain runs' mean time is the figure. The rows already there were written before
/// HarmonyLite started (a cluster seeded from copies of one database), so the prefill does not depend on how fast a
/// build captures or replicates.
/// </summary>
public sealed class OutsideWriteCostBench : OutsideSuite
{
    private static readonly TimeSpan ReplicationWait = TimeSpan.FromMinutes(2);

    public OutsideWriteCostBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-writes";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory("harmonylite-outside-writes");
        foreach (var size in Settings.PrefillSizes)
        {
            var template = directory.File($"items-{size}.db");
            await OutsideWriter.RunAsync("schema", TimeSpan.FromMinutes(1), cancellationToken, "--db", template, "--sql", OutsideSchema.Items("items"));
            await OutsideWriter.RunAsync("fill", TimeSpan.FromMinutes(10), cancellationToken, "--db", template, "--rows", Number(size));
            var ratios = new List<double>();
            var plainRates = new List<double>();
            var nodeRates = new List<double>();
            var captureRatios = new List<double>();
            var clusterCores = new List<double>();
            var survived = new List<double>();
            for (var run = 1; run <= Settings.Runs; run++)
            {
                // No HarmonyLite just before and just after the node's run: the machine is shared and its speed drifts.
                var plainBefore = await PlainSinglesAsync(template, directory.File("plain.db"), size, cancellationToken);
                await using var cluster = await StartClusterAsync((_, path, _) => { File.Copy(template, path); return Task.CompletedTask; }, cancellationToken);
                // Measured once the start's work is over: capture's install publishes every row it found in the table.
                var settled = await cluster.WaitIdleAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(15), cancellationToken);
                var cpuBefore = ClusterCpu(cluster);
                var node = await SinglesAsync(cluster[1].DatabasePath, size, cancellationToken);
                // The cluster's share of the machine while the application wrote: the writer competes with it for cores.
                var cores = (ClusterCpu(cluster) - cpuBefore).TotalSeconds / Seconds(node);
                var replicated = await ReplicatedAsync(cluster, cancellationToken);
                var captureOnly = await CaptureOnlySinglesAsync(cluster, directory.File("capture.db"), size, cancellationToken);
                var plainAfter = await PlainSinglesAsync(template, directory.File("plain.db"), size, cancellationToken);

                // Rates of the same number of rows: the mean time per row of the two plain runs against the node's.
                var plainRate = 2 / (1 / Rate(plainBefore) + 1 / Rate(plainAfter));
                var nodeRate = Rate(node);
                plainRates.Add(plainRate);
                nodeRates.Add(nodeRate);
                ratios.Add(plainRate / nodeRate);
                captureRatios.Add(plainRate / Rate(captureOnly));
                clusterCores.Add(cores);
                var dead = DeadNodes(cluster);
                survived.Add(dead.Length == 0 ? 1 : 0);
                report.Note(Name, $"{size:N0} rows, run {run}: no HarmonyLite {Describe(plainBefore)}, and after {Describe(plainAfter)}; node running {Describe(node)}, the nodes and their "
                    + $"nats-servers using {cores:N2} cores meanwhile; capture triggers, nodes stopped, {Describe(captureOnly)}; nodes idle {settled.TotalSeconds:N1} s after start; {replicated}{(dead.Length > 0 ? "; " + dead : "")}");
            }
            report.Figure(Name, $"single-row writes, node running / no HarmonyLite, {size:N0} rows in table", ratios, "x", BenchGoal.AtMost(1.3, "x"));
            report.Figure(Name, $"  no HarmonyLite, {Settings.Singles:N0} single-row writes, {size:N0} rows in table", plainRates, "rows/s", null);
            report.Figure(Name, $"  node running, {Settings.Singles:N0} single-row writes, {size:N0} rows in table", nodeRates, "rows/s", null);
            report.Figure(Name, $"  every node survived the writes, {size:N0} rows in table", survived, "runs", BenchGoal.Holds("no node stops"));
            // What bounds the figure: the triggers' own cost, and the cores the cluster takes from the application.
            report.Figure(Name, $"  capture triggers only (nodes stopped) / no HarmonyLite, {size:N0} rows in table", captureRatios, "x", null);
            report.Figure(Name, $"  cores used by the 3 nodes and their nats-servers during the writes ({Environment.ProcessorCount} cores)",
                clusterCores, "cores", null);
            File.Delete(template);
        }
    }

    private async Task<JsonElement> PlainSinglesAsync(string template, string path, int size, CancellationToken cancellationToken)
    {
        File.Copy(template, path, overwrite: true);
        var result = await SinglesAsync(path, size, cancellationToken);
        File.Delete(path);
        return result;
    }

    /// <summary>
    /// The same writes into node 1's database with the nodes stopped: the triggers stay, nothing reads or replicates.
    /// The table holds the node run's rows too by then; capture does not grow with the table (issue 15), so it compares.
    /// </summary>
    private async Task<JsonElement> CaptureOnlySinglesAsync(Sidecars.SidecarCluster cluster, string path, int size, CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes) await node.StopAsync();
        BenchDatabase.CopyWithWal(cluster[1].DatabasePath, path);
        var result = await SinglesAsync(path, size + Settings.Singles, cancellationToken);
        BenchDatabase.Delete(path);
        return result;
    }

    private static TimeSpan ClusterCpu(Sidecars.SidecarCluster cluster) =>
        cluster.Nodes.Aggregate(TimeSpan.Zero, (sum, node) => sum + node.CpuTime());

    private static double Seconds(JsonElement singles) => singles.GetProperty("seconds").GetDouble();

    private static double Rate(JsonElement singles) => singles.GetProperty("rows_per_s").GetDouble();

    /// <summary>The application's single-row writes, ids after <paramref name="rowsThere"/>.</summary>
    private Task<JsonElement> SinglesAsync(string database, int rowsThere, CancellationToken cancellationToken) =>
        OutsideWriter.RunAsync("singles", Settings.SinglesTimeout + TimeSpan.FromMinutes(2), cancellationToken,
            "--db", database, "--rows", Number(Settings.Singles), "--start", Number(rowsThere + 1),
            "--max-seconds", Settings.SinglesTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether the writes reached every node within a bounded wait (reported, not part of the figure).</summary>
    private static async Task<string> ReplicatedAsync(Sidecars.SidecarCluster cluster, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await cluster.WaitAgreedAsync("the single-row writes", ReplicationWait, cancellationToken);
            return $"on every node {clock.Elapsed.TotalSeconds:N1} s after the last write";
        }
        catch (TimeoutException)
        {
            return $"NOT on every node {ReplicationWait.TotalSeconds:N0} s after the last write";
        }
    }

    private string Describe(JsonElement singles)
    {
        var rows = singles.GetProperty("rows").GetInt64();
        var partial = rows < Settings.Singles ? $" (stopped after {rows:N0} of {Settings.Singles:N0} at the time limit)" : "";
        return $"{singles.GetProperty("rows_per_s").GetDouble():N0} rows/s{partial}, write p50 {singles.GetProperty("p50_ms").GetDouble():N3} ms, "
            + $"p99 {singles.GetProperty("p99_ms").GetDouble():N3} ms, max {singles.GetProperty("max_ms").GetDouble():N1} ms";
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
