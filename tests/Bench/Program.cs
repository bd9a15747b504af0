using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using HarmonyLite.Bench;
using HarmonyLite.Bench.Outside;
using HarmonyLite.Bench.Sidecars;
using HarmonyLite.Bench.Soak;
using HarmonyLite.TestSupport;

// ./build.sh bench [suite ...] [options]: runs every suite (or the named ones), prints figures beside their goals and
// writes them as JSON. ./build.sh soak [options]: the crash campaign; exits 1 when a round failed.
var harmonylite = new Option<string?>("--harmonylite")
{
    Description = "the harmonylite build to run for the outside suites and the soak: its launcher, harmonylite.dll, or their folder (default: this checkout's Release build)",
    Recursive = true,
};
var keep = new Option<bool>("--keep") { Description = "keep every cluster's directory (databases, logs, NATS stores) after the run", Recursive = true };
var json = new Option<string?>("--json") { Description = "where to write the results (default: tests/Bench/results/<kind>-<UTC time>.json)", Recursive = true };
var runs = new Option<int>("--runs") { Description = "runs of each outside suite, each on a fresh cluster; figures are medians", DefaultValueFactory = _ => 1 };
var probes = new Option<int>("--probes") { Description = "single-row inserts timed node 1 -> node 3", DefaultValueFactory = _ => 300 };
var bulkRows = new Option<int>("--bulk-rows") { Description = "rows of the bulk load (transactions of 1,000)", DefaultValueFactory = _ => 100_000 };
var bulkTimeout = new Option<double>("--bulk-timeout") { Description = "seconds the bulk load may take before the rate so far is reported", DefaultValueFactory = _ => 300 };
var singles = new Option<int>("--singles") { Description = "the application's single-row writes, with and without HarmonyLite", DefaultValueFactory = _ => 100_000 };
var sizes = new Option<string>("--sizes") { Description = "rows already in the table for the single-row writes, comma-separated", DefaultValueFactory = _ => "100000,1000000" };
var holds = new Option<int>("--holds") { Description = "times the application holds node 1's write lock for 12 s", DefaultValueFactory = _ => 3 };
var snapshotMb = new Option<int>("--snapshot-mb") { Description = "size of the snapshot suite's database", DefaultValueFactory = _ => 500 };
var soakMinutes = new Option<double>("--soak-minutes") { Description = "length of the memory suite's soak", DefaultValueFactory = _ => 5 };
var suiteNames = new Argument<string[]>("suite")
{
    Description = "suites to run (default: all): capture, wide-update, codec, jetstream, nats-core, replication, snapshot (in-process); "
        + "outside-delay, outside-bulk, outside-writes, outside-busy, outside-snapshot, outside-memory, or 'outside' for all six",
    Arity = ArgumentArity.ZeroOrMore,
};

var root = new RootCommand("HarmonyLite bench: figures printed beside issue 15's goals, never asserted.");
root.Options.Add(harmonylite);
root.Options.Add(keep);
root.Options.Add(json);
foreach (var option in new Option[] { runs, probes, bulkRows, bulkTimeout, singles, sizes, holds, snapshotMb, soakMinutes }) root.Options.Add(option);
root.Arguments.Add(suiteNames);
root.SetAction(async (parsed, cancellationToken) =>
{
    var inProcess = new IBenchSuite[] { new CaptureBench(), new WideUpdateBench(), new CodecBench(), new JetStreamBench(), new NatsCoreBench(), new ReplicationBench(), new SnapshotBench() };
    string[] outsideNames = ["outside-delay", "outside-bulk", "outside-writes", "outside-busy", "outside-snapshot", "outside-memory"];
    var asked = parsed.GetValue(suiteNames) is { Length: > 0 } names ? names : [.. inProcess.Select(s => s.Name), .. outsideNames];
    asked = [.. asked.SelectMany(n => n.Equals("outside", StringComparison.OrdinalIgnoreCase) ? outsideNames : [n.ToLowerInvariant()]).Distinct()];
    var unknown = asked.Where(n => !inProcess.Any(s => s.Name == n) && !outsideNames.Contains(n)).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"No bench suite named {string.Join(", ", unknown)}. Suites: {string.Join(", ", inProcess.Select(s => s.Name).Concat(outsideNames))}, outside.");
        return 64;
    }

    SidecarExecutable? executable = null;
    if (asked.Any(outsideNames.Contains)) executable = await SidecarExecutable.ResolveAsync(parsed.GetValue(harmonylite), cancellationToken);
    var outside = executable is null ? null : new OutsideSettings
    {
        Executable = executable,
        Runs = parsed.GetValue(runs),
        KeepFiles = parsed.GetValue(keep),
        Probes = parsed.GetValue(probes),
        BulkRows = parsed.GetValue(bulkRows),
        BulkTimeout = TimeSpan.FromSeconds(parsed.GetValue(bulkTimeout)),
        Singles = parsed.GetValue(singles),
        PrefillSizes = parsed.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList(),
        Holds = parsed.GetValue(holds),
        SnapshotMegabytes = parsed.GetValue(snapshotMb),
        Soak = TimeSpan.FromMinutes(parsed.GetValue(soakMinutes)),
    };
    var suites = asked.Select(n => inProcess.FirstOrDefault(s => s.Name == n) ?? n switch
    {
        "outside-delay" => new OutsideDelayBench(outside!),
        "outside-bulk" => new OutsideBulkBench(outside!),
        "outside-writes" => new OutsideWriteCostBench(outside!),
        "outside-busy" => new OutsideBusyBench(outside!),
        "outside-snapshot" => new OutsideSnapshotBench(outside!),
        _ => (IBenchSuite)new OutsideMemoryBench(outside!),
    }).ToList();

    var report = new BenchReport(Console.Out);
    var started = DateTimeOffset.UtcNow;
    var loadAtStart = BenchReport.LoadAverage();
    var failed = new List<string>();
    foreach (var suite in suites)
    {
        Console.WriteLine($"== {suite.Name}");
        try
        {
            await suite.RunAsync(report, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One suite that cannot measure (a cluster that does not start, a node that does not agree) must not lose the others' figures.
            failed.Add(suite.Name);
            report.Note(suite.Name, $"SUITE FAILED, its figures are missing: {ex}");
        }
    }
    var path = parsed.GetValue(json) ?? ResultPath("bench", started);
    await report.WriteJsonAsync(path, new JsonObject
    {
        ["started_at"] = started.ToString("O", CultureInfo.InvariantCulture),
        ["finished_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["arguments"] = string.Join(' ', args),
        ["harmonylite"] = executable is null ? null : new JsonObject { ["path"] = executable.Path, ["version"] = executable.Version },
        ["machine"] = new JsonObject { ["processors"] = Environment.ProcessorCount, ["load_average_start"] = loadAtStart, ["load_average_end"] = BenchReport.LoadAverage() },
        ["suites"] = new JsonArray(suites.Select(s => (JsonNode)s.Name).ToArray()),
    }, cancellationToken);
    Console.WriteLine($"== {report.MissedGoals} goal(s) missed{(failed.Count > 0 ? $"; suites that failed to measure: {string.Join(", ", failed)}" : "")}; figures written to {path}");
    return failed.Count == 0 ? 0 : 1;
});

var rounds = new Option<int>("--rounds") { Description = "crash rounds, rotating: a replica, the writer's node, a nats-server child, all three", DefaultValueFactory = _ => 20 };
var rows = new Option<int>("--rows") { Description = "rows the writer commits in each round", DefaultValueFactory = _ => 10_000 };
var rate = new Option<double>("--rate") { Description = "rows per second the writer writes", DefaultValueFactory = _ => 1_000 };
var replicas = new Option<int>("--replicas") { Description = "replication_log.replicas of the three nodes", DefaultValueFactory = _ => 3 };
var seed = new Option<int?>("--seed") { Description = "seed of the kill points (printed; give it again to repeat a campaign's choices)" };
var soak = new Command("soak", "Issue 11's crash campaign: kill -9 during a load with counters, round after round; exits 1 on any failed round.");
foreach (var option in new Option[] { rounds, rows, rate, replicas, seed }) soak.Options.Add(option);
soak.SetAction(async (parsed, cancellationToken) =>
{
    var executable = await SidecarExecutable.ResolveAsync(parsed.GetValue(harmonylite), cancellationToken);
    var settings = new CrashCampaignSettings
    {
        Executable = executable,
        Rounds = parsed.GetValue(rounds),
        RowsPerRound = parsed.GetValue(rows),
        RowsPerSecond = parsed.GetValue(rate),
        Replicas = parsed.GetValue(replicas),
        Seed = parsed.GetValue(seed) ?? Environment.TickCount,
        KeepFiles = parsed.GetValue(keep),
    };
    var started = DateTimeOffset.UtcNow;
    var campaign = new CrashCampaign(settings, Console.Out);
    var results = await campaign.RunAsync(cancellationToken);
    Console.WriteLine("soak: passes per round type:");
    foreach (var kind in Enum.GetValues<CrashKind>())
    {
        var ofKind = results.Where(r => r.Kind == kind).ToList();
        Console.WriteLine($"soak:   {CrashCampaign.Describe(kind),-40} {ofKind.Count(r => r.Passed)} of {ofKind.Count} passed");
    }
    var path = parsed.GetValue(json) ?? ResultPath("soak", started);
    var document = campaign.ToJson(results);
    document["started_at"] = started.ToString("O", CultureInfo.InvariantCulture);
    document["load_average_end"] = BenchReport.LoadAverage();
    await BenchReport.WriteJsonFileAsync(path, document, cancellationToken);
    var failed = results.Count(r => !r.Passed);
    Console.WriteLine($"soak: {results.Count - failed} of {results.Count} rounds passed, {failed} failed; written to {path}");
    return failed == 0 && results.Count > 0 ? 0 : 1;
});
root.Subcommands.Add(soak);

return await root.Parse(args).InvokeAsync();

static string ResultPath(string kind, DateTimeOffset started) =>
    RepositoryLayout.Path("tests", "Bench", "results", $"{kind}-{started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json");
