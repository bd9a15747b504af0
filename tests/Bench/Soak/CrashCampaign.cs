using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HarmonyLite.Bench.Outside;
using HarmonyLite.Bench.Sidecars;
using HarmonyLite.Engine.Inspection;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Bench.Soak;

/// <summary>What a crash campaign runs; see <see cref="CrashCampaign"/>.</summary>
public sealed record CrashCampaignSettings
{
    public required SidecarExecutable Executable { get; init; }
    public int Rounds { get; init; } = 20;
    public int RowsPerRound { get; init; } = 10_000;
    public double RowsPerSecond { get; init; } = 1_000;
    public int Replicas { get; init; } = 3;
    public int Seed { get; init; } = Environment.TickCount;
    public TimeSpan ConvergenceTimeout { get; init; } = TimeSpan.FromMinutes(3);
    public bool KeepFiles { get; init; }
}

/// <summary>
/// Issue 11's crash campaign, run by <c>./build.sh soak</c>: three supervised sidecars (restarted as systemd restarts
/// a unit: see <see cref="SidecarNode"/>), and round after round a 10,000-row load written into node 1's database by
/// writer.py with counters, during which one kind of crash happens (rotating): SIGKILL of a replica node, of the
/// writer's node, of one node's nats-server child, or of all three nodes at once. A round passes when, after the load,
/// every node holds exactly what the writer committed (the round's row count and every counter's value) and all
/// databases are identical, within the deadline, and no node stopped by itself. A failed round is reported with its
/// evidence (which node differs, its counts, the tail of its log) and the next round starts on a fresh cluster.
/// </summary>
public sealed class CrashCampaign
{
    private const int Counters = 50;
    private static readonly TimeSpan RestartSec = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(15);

    private const string Schema = """
        CREATE TABLE events(id TEXT PRIMARY KEY NOT NULL, round INTEGER NOT NULL, seq INTEGER NOT NULL, counter INTEGER NOT NULL);
        CREATE TABLE counters(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, last_round INTEGER);
        WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 49) INSERT INTO counters(id, n) SELECT i, 0 FROM c;
        """;

    private readonly CrashCampaignSettings _settings;
    private readonly TextWriter _out;
    private readonly Random _random;

    public CrashCampaign(CrashCampaignSettings settings, TextWriter output)
    {
        _settings = settings;
        _out = output;
        _random = new Random(settings.Seed);
    }

    /// <summary>Runs every round; returns the rounds' results in order.</summary>
    public async Task<IReadOnlyList<CrashRoundResult>> RunAsync(CancellationToken cancellationToken)
    {
        _out.WriteLine($"soak: {_settings.Rounds} rounds of {_settings.RowsPerRound:N0} rows at {_settings.RowsPerSecond:N0} rows/s, replicas = {_settings.Replicas}, seed {_settings.Seed}");
        _out.WriteLine($"soak: harmonylite {_settings.Executable}; load average {BenchReport.LoadAverage()}");
        var results = new List<CrashRoundResult>();
        SidecarCluster? cluster = null;
        try
        {
            for (var round = 1; round <= _settings.Rounds; round++)
            {
                cluster ??= await StartClusterAsync(cancellationToken);
                var kind = (CrashKind)((round - 1) % 4);
                var result = await RunRoundAsync(cluster, round, kind, cancellationToken);
                results.Add(result);
                _out.WriteLine($"soak: round {round,2} {Describe(kind),-40} {(result.Passed ? "pass" : "FAIL")}  {result.Summary}");
                if (!result.Passed)
                {
                    _out.WriteLine(result.Evidence);
                    await cluster.DisposeAsync();
                    cluster = null;
                }
            }
        }
        finally
        {
            if (cluster is not null) await cluster.DisposeAsync();
        }
        return results;
    }

    private Task<SidecarCluster> StartClusterAsync(CancellationToken cancellationToken) =>
        SidecarCluster.StartAsync(new SidecarClusterOptions
        {
            Executable = _settings.Executable,
            Node = new SidecarNodeSettings { Replicas = _settings.Replicas },
            PrepareDatabase = (_, path, token) => OutsideWriter.RunAsync("schema", TimeSpan.FromMinutes(2), token, "--db", path, "--sql", Schema),
            RestartAfter = RestartSec,
            KeepFiles = _settings.KeepFiles,
            Name = "harmonylite-soak",
        }, cancellationToken);

    private async Task<CrashRoundResult> RunRoundAsync(SidecarCluster cluster, int round, CrashKind kind, CancellationToken cancellationToken)
    {
        var exitsBefore = cluster.Nodes.ToDictionary(n => n, n => n.Exits.Count);
        var killAt = (long)(_settings.RowsPerRound * (0.2 + 0.4 * _random.NextDouble()));
        await using var writer = OutsideWriter.Start("load", "--db", cluster[1].DatabasePath, "--round", Number(round),
            "--rows", Number(_settings.RowsPerRound), "--counters", Number(Counters),
            "--rate", _settings.RowsPerSecond.ToString(CultureInfo.InvariantCulture));
        var what = "";
        try
        {
            await WaitForProgressAsync(writer, killAt, cancellationToken);
            var marks = new Dictionary<SidecarNode, int>();
            switch (kind)
            {
                case CrashKind.Replica:
                    var replica = cluster[2 + (round / 4) % 2];
                    marks[replica] = await replica.KillAsync();
                    what = $"node {replica.Id} killed";
                    break;
                case CrashKind.WriterNode:
                    marks[cluster[1]] = await cluster[1].KillAsync();
                    what = "node 1 killed";
                    break;
                case CrashKind.NatsServer:
                    var owner = cluster[1 + (round / 4) % 3];
                    var server = await owner.KillNatsServerAsync(cancellationToken);
                    what = $"node {owner.Id}'s nats-server (pid {server}) killed";
                    break;
                case CrashKind.AllNodes:
                    var killed = await Task.WhenAll(cluster.Nodes.Select(async n => (Node: n, Mark: await n.KillAsync())));
                    foreach (var (node, mark) in killed) marks[node] = mark;
                    what = "all three nodes killed";
                    break;
            }
            what += $" after {writer.Progress:N0} rows";
            var tally = await writer.ResultAsync(LoadTimeout, cancellationToken);
            await cluster.WaitReadyAsync(marks, cancellationToken);
            var check = await WaitExactAsync(cluster, round, tally, cancellationToken);
            var selfExits = cluster.Nodes.SelectMany(n => n.Exits.Skip(exitsBefore[n]).Where(e => !e.Requested).Select(e => (Node: n, Exit: e))).ToList();
            if (check is null && selfExits.Count == 0)
                return new CrashRoundResult(round, kind, true, $"{what}; {tally.GetProperty("events").GetInt64():N0} rows and every counter exact on all nodes", "");
            var evidence = new StringBuilder();
            foreach (var (node, exit) in selfExits)
                evidence.Append("  node ").Append(node.Id).Append(" stopped by itself with exit code ").Append(exit.ExitCode).AppendLine(", its log before:").AppendLine(exit.LogTail);
            if (check is not null) evidence.AppendLine(check);
            var summary = check is not null ? "databases differ from what the writer committed" : $"{selfExits.Count} node exit(s) nobody asked for";
            return new CrashRoundResult(round, kind, false, $"{what}; {summary}", evidence.ToString());
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            return new CrashRoundResult(round, kind, false, $"{what}; {ex.GetType().Name}", $"  {ex.Message}\n  writer stderr: {writer.Error}\n{await cluster.DescribeAsync()}");
        }
    }

    private static async Task WaitForProgressAsync(OutsideWriter writer, long rows, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LoadTimeout;
        while (writer.Progress < rows)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The writer wrote {writer.Progress:N0} rows in {LoadTimeout.TotalMinutes:N0} minutes (waiting for {rows:N0}).");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until every node holds the writer's tally exactly and all digests agree twice in a row; returns null then, or
    /// at the deadline the evidence: each node's counts against the tally, the counters that differ, and its log tail.
    /// </summary>
    private async Task<string?> WaitExactAsync(SidecarCluster cluster, int round, JsonElement tally, CancellationToken cancellationToken)
    {
        var expectedEvents = tally.GetProperty("events").GetInt64();
        var expectedCounters = tally.GetProperty("counters").EnumerateObject().ToDictionary(p => long.Parse(p.Name, CultureInfo.InvariantCulture), p => p.Value.GetInt64());
        var deadline = DateTime.UtcNow + _settings.ConvergenceTimeout;
        string? previous = null;
        List<NodeState> states = [];
        while (true)
        {
            states = [];
            foreach (var node in cluster.Nodes) states.Add(await ReadStateAsync(node, round, cancellationToken));
            var exact = states.All(s => s.Error is null && s.RoundEvents == expectedEvents && SameCounters(s.Counters, expectedCounters));
            var digest = states.Select(s => s.Digest).Distinct().Count() == 1 ? states[0].Digest : null;
            if (exact && digest is not null && digest == previous) return null;
            previous = exact ? digest : null;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(500, cancellationToken);
        }
        var text = new StringBuilder().Append("  after ").Append(_settings.ConvergenceTimeout.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture))
            .Append(" s: the writer committed ").Append(expectedEvents).Append(" rows of round ").Append(round).Append(" and counters summing to ")
            .Append(expectedCounters.Values.Sum()).AppendLine();
        foreach (var (node, state) in cluster.Nodes.Zip(states))
        {
            var wrong = state.Counters.Where(c => expectedCounters.GetValueOrDefault(c.Key) != c.Value).Take(5)
                .Select(c => $"counter {c.Key} = {c.Value} (expected {expectedCounters.GetValueOrDefault(c.Key)})").ToList();
            var differs = state.Error is not null || state.RoundEvents != expectedEvents || wrong.Count > 0 || state.Digest != states[0].Digest;
            text.Append("  ").Append(node).Append(differs ? " DIFFERS" : " matches").Append(": rows of the round ").Append(state.RoundEvents)
                .Append(", all rows ").Append(state.AllEvents).Append(", counters sum ").Append(state.Counters.Values.Sum())
                .Append(", digest ").Append(state.Digest?[..16] ?? "n/a").AppendLine(state.Error is null ? "" : $", unreadable: {state.Error}");
            if (wrong.Count > 0) text.Append("    ").AppendLine(string.Join("; ", wrong));
            if (differs) text.AppendLine("    log tail:").AppendLine(node.Output.Tail(30, l => !NodeOutput.IsNatsServerLine(l)));
        }
        return text.ToString();
    }

    private static bool SameCounters(IReadOnlyDictionary<long, long> actual, IReadOnlyDictionary<long, long> expected) =>
        actual.Count == expected.Count && expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);

    private static async Task<NodeState> ReadStateAsync(SidecarNode node, int round, CancellationToken cancellationToken)
    {
        try
        {
            var digest = await DatabaseDigest.ComputeAsync(node.DatabasePath, cancellationToken);
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = node.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM events WHERE round = $round";
            command.Parameters.AddWithValue("$round", round);
            var roundEvents = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            command.CommandText = "SELECT id, n FROM counters";
            var counters = new Dictionary<long, long>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) counters[reader.GetInt64(0)] = reader.GetInt64(1);
            return new NodeState(roundEvents, digest.RowCounts.GetValueOrDefault("events"), counters, digest.Sha256, null);
        }
        catch (SqliteException ex)
        {
            return new NodeState(-1, -1, new Dictionary<long, long>(), null, ex.Message);
        }
    }

    public static string Describe(CrashKind kind) => kind switch
    {
        CrashKind.Replica => "kill -9 of a replica node",
        CrashKind.WriterNode => "kill -9 of the writer's node",
        CrashKind.NatsServer => "kill -9 of a node's nats-server child",
        _ => "kill -9 of all three nodes at once",
    };

    /// <summary>The campaign's result as JSON, beside the bench's.</summary>
    public JsonObject ToJson(IReadOnlyList<CrashRoundResult> results) => new()
    {
        ["harmonylite"] = _settings.Executable.ToString(),
        ["rounds"] = _settings.Rounds,
        ["rows_per_round"] = _settings.RowsPerRound,
        ["replicas"] = _settings.Replicas,
        ["seed"] = _settings.Seed,
        ["results"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
        {
            ["round"] = r.Round,
            ["kind"] = Describe(r.Kind),
            ["passed"] = r.Passed,
            ["summary"] = r.Summary,
            ["evidence"] = r.Evidence,
        }).ToArray()),
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record NodeState(long RoundEvents, long AllEvents, IReadOnlyDictionary<long, long> Counters, string? Digest, string? Error);
}

/// <summary>The crash of a round, in the order the rounds rotate through them.</summary>
public enum CrashKind
{
    Replica,
    WriterNode,
    NatsServer,
    AllNodes,
}

/// <summary>One round's verdict: what was crashed, and when it failed, the evidence.</summary>
public sealed record CrashRoundResult(int Round, CrashKind Kind, bool Passed, string Summary, string Evidence);
