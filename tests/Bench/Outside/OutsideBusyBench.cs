using System.Globalization;
using System.Text.Json;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// A busy database: while writer.py writes on nodes 2 and 3 (so node 1 has changes to apply) and the application on
/// node 1 goes on with its own paced single-row writes, another connection of the application takes node 1's write
/// lock (BEGIN IMMEDIATE) and keeps it 12 s, a few times over. Reported: whether every node survived (still running,
/// never stopped by itself, all databases agreeing at the end), and how long the application waited for its own writes
/// once the lock was released. "Never starved" means none of its writes failed and each completed within 1 s of the
/// release (the write that queued behind the lock) or of its start (the writes after).
/// </summary>
public sealed class OutsideBusyBench : OutsideSuite
{
    private const double StarvedMilliseconds = 1000;
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan AgreementWait = TimeSpan.FromMinutes(3);

    public OutsideBusyBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-busy";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var survived = new List<double>();
        var neverStarved = new List<double>();
        var queuedWaits = new List<double>();
        var laterWaits = new List<double>();
        for (var run = 1; run <= Settings.Runs; run++)
        {
            await using var cluster = await StartClusterAsync(OutsideSchema.Busy, cancellationToken);
            await using var application = Trickle(cluster[1].DatabasePath, 1, rate: 100);
            await using var others2 = Trickle(cluster[2].DatabasePath, 2, rate: 50);
            await using var others3 = Trickle(cluster[3].DatabasePath, 3, rate: 50);
            var releases = new List<double>();
            await Task.Delay(Pause, cancellationToken);
            for (var hold = 1; hold <= Settings.Holds; hold++)
            {
                var held = await OutsideWriter.RunAsync("hold", Settings.HoldFor + TimeSpan.FromMinutes(2), cancellationToken,
                    "--db", cluster[1].DatabasePath, "--id", (9_000_000 + run * 100 + hold).ToString(CultureInfo.InvariantCulture),
                    "--seconds", Settings.HoldFor.TotalSeconds.ToString(CultureInfo.InvariantCulture));
                releases.Add(held.GetProperty("released_at").GetDouble());
                await Task.Delay(Pause, cancellationToken);
            }
            var mine = await application.StopAsync(TimeSpan.FromSeconds(90), cancellationToken);
            await others2.StopAsync(TimeSpan.FromSeconds(90), cancellationToken);
            await others3.StopAsync(TimeSpan.FromSeconds(90), cancellationToken);
            var dead = DeadNodes(cluster);
            // A node that stopped stays down (no supervisor here): the others cannot agree with it.
            var agreed = dead.Length > 0 ? null : await AgreedAsync(cluster, cancellationToken);

            var waits = Waits(mine, releases);
            var errors = mine.GetProperty("errors").GetArrayLength();
            var allSurvived = dead.Length == 0 && agreed is null;
            survived.Add(allSurvived ? 1 : 0);
            var starved = errors > 0 || waits.Queued > StarvedMilliseconds || waits.Later > StarvedMilliseconds;
            neverStarved.Add(starved ? 0 : 1);
            queuedWaits.Add(waits.Queued);
            laterWaits.Add(waits.Later);
            report.Note(Name, $"run {run}: {Settings.Holds} holds of {Settings.HoldFor.TotalSeconds:N0} s; application's write queued behind a hold done "
                + $"{waits.Queued:N1} ms after the release (worst), its later writes at most {waits.Later:N1} ms, {errors} failed"
                + (errors > 0 ? $" ({mine.GetProperty("errors")[0].GetProperty("error").GetString()})" : "")
                + $"; {mine.GetProperty("writes").GetInt64():N0} writes in all; "
                + (allSurvived ? "every node survived and the databases agree" : $"{dead}{agreed}"));
        }
        report.Figure(Name, $"every node survived {Settings.Holds} x {Settings.HoldFor.TotalSeconds:N0} s of the application holding the write lock", survived, "runs",
            BenchGoal.Holds("no node stops, all agree"));
        report.Figure(Name, "the application is never starved (no write failed, none waited > 1 s past the lock)", neverStarved, "runs",
            BenchGoal.Holds("never starved"));
        report.Figure(Name, "  application's queued write, done after the lock's release, worst", queuedWaits, "ms", null);
        report.Figure(Name, "  application's later writes (5 s after a release), slowest", laterWaits, "ms", null);
    }

    private static OutsideWriter Trickle(string database, int node, double rate) =>
        OutsideWriter.Start("trickle", "--db", database, "--node", node.ToString(CultureInfo.InvariantCulture),
            "--start", (node * 1_000_000).ToString(CultureInfo.InvariantCulture), "--rate", rate.ToString(CultureInfo.InvariantCulture), "--timings");

    /// <summary>
    /// From the application's write timings (start, duration in monotonic seconds) and the holds' releases: the worst time past a
    /// release at which a write that had queued behind the lock completed, and the slowest write that started within 5 s
    /// after a release. Milliseconds.
    /// </summary>
    private static (double Queued, double Later) Waits(JsonElement trickle, IReadOnlyList<double> releases)
    {
        var writes = trickle.GetProperty("timings").EnumerateArray().Select(t => (Start: t[0].GetDouble(), Took: t[1].GetDouble())).ToList();
        double queued = 0, later = 0;
        foreach (var released in releases)
        {
            foreach (var (start, took) in writes)
            {
                if (start < released && start + took >= released) queued = Math.Max(queued, (start + took - released) * 1000);
                else if (start >= released && start < released + 5) later = Math.Max(later, took * 1000);
            }
        }
        return (queued, later);
    }

    private static async Task<string?> AgreedAsync(Sidecars.SidecarCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.WaitAgreedAsync("after the holds", AgreementWait, cancellationToken);
            return null;
        }
        catch (TimeoutException)
        {
            return $"the databases did not agree within {AgreementWait.TotalSeconds:N0} s";
        }
    }
}
