using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using HarmonyLite.Bench.Sidecars;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// Snapshot save and restore of a database of about 500 MB (--snapshot-mb), to a directory and to a NATS object store
/// (a standalone nats-server on loopback), each against a plain copy of the same file on the same disk.
/// <list type="bullet">
/// <item>The database: writer.py writes documents with 4,000 random (incompressible) bytes each; the sidecar is then
/// started once on it (installing capture, as on any node) and stopped.</item>
/// <item>The plain copy: every byte of the file read and written in 1 MiB blocks to a new file in the same directory,
/// then fsync of the new file; the figure's base is the time including the fsync (a snapshot store fsyncs too), the
/// mean of the copies made just before and just after the operation; the time without the fsync is noted. The source
/// file is in the page cache for the copies as for the snapshots.</item>
/// <item>Save: <c>harmonylite -config node.toml -save-snapshot</c>, the command a scheduled task runs: the figure is
/// the save as the sidecar logs it ("Saved snapshot ... in ..."), the whole process's time is noted.</item>
/// <item>Restore: a new node whose database does not exist starts and restores the snapshot before it replicates:
/// the figure is from its "Restoring snapshot" line to its "Restored snapshot" line (log timestamps, ms); the time
/// from launch until it replicates is noted.</item>
/// </list>
/// </summary>
public sealed partial class OutsideSnapshotBench : OutsideSuite
{
    private const double Mb = 1024 * 1024;
    private const int RowBytes = 4000;
    private const int CopyBlock = 1 << 20;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    public OutsideSnapshotBench(OutsideSettings settings) : base(settings) { }

    public override string Name => "outside-snapshot";

    protected override async Task MeasureAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await NatsServerProcess.StartAsync(cancellationToken: cancellationToken);
        var nats = new SidecarNodeSettings { NatsUrls = [server.Url] };
        await using var source = await StartClusterAsync(GenerateAsync, cancellationToken, nodes: 1, node: nats);
        var database = source[1].DatabasePath;
        // A node in its steady state: the rows capture found at install are published and the change log is cleaned up,
        // then the file is vacuumed (the install's change-log copy of every row leaves as many free pages behind).
        var published = await WaitChangeLogEmptyAsync(database, cancellationToken);
        await source[1].StopAsync();
        var installed = new FileInfo(database).Length;
        await using (var connection = BenchDatabase.Open(database)) await BenchDatabase.ExecuteAsync(connection, "VACUUM", cancellationToken);
        var size = new FileInfo(database).Length;
        report.Note(Name, $"database of {size / Mb:N0} MB ({size:N0} bytes): capture installed by a start of the sidecar, which ran until its "
            + $"change log was empty ({published.TotalSeconds:N0} s), then vacuumed ({installed / Mb:N0} MB before)");

        var copies = new List<double>();
        var figures = new Dictionary<string, List<double>>();
        var copyPath = Path.Combine(source.Directory, "plain-copy.db");
        for (var run = 1; run <= Settings.Runs; run++)
        {
            foreach (var (store, toml) in Stores(source.Directory, run))
            {
                // Each operation between two plain copies: the machine is shared, and its speed drifts between steps.
                var before = PlainCopy(database, copyPath);
                var saved = await SaveAsync(source, nats with { SnapshotToml = toml }, cancellationToken);
                var between = PlainCopy(database, copyPath);
                var restored = await RestoreAsync(source, nats with { SnapshotToml = toml }, run, cancellationToken);
                var after = PlainCopy(database, copyPath);
                copies.AddRange([before.WithFsync.TotalSeconds, between.WithFsync.TotalSeconds, after.WithFsync.TotalSeconds]);
                var saveBase = (before.WithFsync + between.WithFsync) / 2;
                var restoreBase = (between.WithFsync + after.WithFsync) / 2;
                Add(figures, $"save to {store}", saved.Operation / saveBase);
                Add(figures, $"restore from {store}", restored.Operation / restoreBase);
                report.Note(Name, $"run {run}, {store}: plain copies {Seconds(before)}, {Seconds(between)}, {Seconds(after)}; "
                    + $"save {saved.Operation.TotalSeconds:N2} s as logged{saved.Steps} ({saved.Whole.TotalSeconds:N2} s the whole -save-snapshot process) = {saved.Operation / saveBase:N2}x the copies around it; "
                    + $"restore {restored.Operation.TotalSeconds:N2} s as logged{restored.Steps} ({restored.Whole.TotalSeconds:N2} s from launch until replicating) = {restored.Operation / restoreBase:N2}x");
            }
        }
        report.Note(Name, $"plain copy: {size:N0} bytes read and written in 1 MiB blocks to a new file in the same directory, then fsync of it; "
            + "ratios are to the mean of the copies just before and after each operation (times without the fsync in the notes)");
        report.Figure(Name, $"plain copy of the {size / Mb:N0} MB file, with fsync", copies.Select(s => size / Mb / s).ToList(), "MB/s", null);
        foreach (var (what, ratios) in figures)
            report.Figure(Name, $"snapshot {what} vs a plain copy (time)", ratios, "x", BenchGoal.AtMost(1.5, "x"));
    }

    private static string Seconds((TimeSpan Copied, TimeSpan WithFsync) copy) =>
        $"{copy.Copied.TotalSeconds:N2}/{copy.WithFsync.TotalSeconds:N2} s";

    private static void Add(Dictionary<string, List<double>> figures, string what, double value)
    {
        if (!figures.TryGetValue(what, out var list)) figures[what] = list = new List<double>();
        list.Add(value);
    }

    /// <summary>A fresh store per run: a directory, and an object store bucket of its own.</summary>
    private static IEnumerable<(string Store, string Toml)> Stores(string directory, int run)
    {
        var folder = Path.Combine(directory, $"snapshots-{run.ToString(CultureInfo.InvariantCulture)}");
        yield return ("a directory", $"[snapshot]\nenabled = true\nstore = \"file\"\n\n[snapshot.file]\npath = {SidecarNodeSettings.Quote(folder)}");
        yield return ("a NATS object store", $"[snapshot]\nenabled = true\nstore = \"nats\"\n\n[snapshot.nats]\nbucket = \"bench-snapshots-{run.ToString(CultureInfo.InvariantCulture)}\"");
    }

    private async Task GenerateAsync(int nodeId, string path, CancellationToken cancellationToken)
    {
        var rows = (long)Settings.SnapshotMegabytes * 1024 * 1024 / RowBytes;
        var sql = $"""
            CREATE TABLE documents(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body BLOB NOT NULL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
            INSERT INTO documents(id, title, body) SELECT i, 'document ' || i, randomblob({RowBytes}) FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        await OutsideWriter.RunAsync("schema", TimeSpan.FromMinutes(10), cancellationToken, "--db", path, "--sql", sql);
    }

    private static (TimeSpan Copied, TimeSpan WithFsync) PlainCopy(string from, string to)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan copied;
        using (var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, CopyBlock))
        using (var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBlock))
        {
            source.CopyTo(target, CopyBlock);
            target.Flush(flushToDisk: false);
            copied = clock.Elapsed;
            target.Flush(flushToDisk: true);
        }
        var withFsync = clock.Elapsed;
        File.Delete(to);
        return (copied, withFsync);
    }

    private async Task<(TimeSpan Operation, TimeSpan Whole, string Steps)> SaveAsync(SidecarCluster source, SidecarNodeSettings settings, CancellationToken cancellationToken)
    {
        var config = Path.Combine(source.Directory, "save.toml");
        await File.WriteAllTextAsync(config, settings.Render(1, source[1].DatabasePath), cancellationToken);
        var run = await Settings.Executable.RunAsync(source.Directory, ["-config", config, "-save-snapshot"], CommandTimeout, cancellationToken);
        if (run.ExitCode != 0) throw new InvalidOperationException($"harmonylite -save-snapshot exited with {run.ExitCode}:\n{run.Error}");
        var logged = SavedLine().Match(run.Error);
        return (logged.Success ? TimeSpan.Parse(logged.Groups["elapsed"].Value, CultureInfo.InvariantCulture) : run.Elapsed, run.Elapsed,
            Steps(run.Error.Split('\n').FirstOrDefault(l => l.Contains("Saved snapshot", StringComparison.Ordinal))));
    }

    /// <summary>Starts a node (its own id) on a database that does not exist yet; it restores the newest snapshot, then replicates.</summary>
    private async Task<(TimeSpan Operation, TimeSpan Whole, string Steps)> RestoreAsync(SidecarCluster source, SidecarNodeSettings settings, int run, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(source.Directory, $"restore-{run.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var node = new SidecarNode(2, directory, Settings.Executable, settings, [], restartAfter: null);
        TimeSpan whole;
        try
        {
            var clock = Stopwatch.StartNew();
            await node.StartAsync(cancellationToken);
            whole = clock.Elapsed;
        }
        finally
        {
            await node.DisposeAsync();
        }
        var lines = node.Output.LinesSince(0);
        var restoring = lines.FirstOrDefault(l => l.Contains("Restoring snapshot", StringComparison.Ordinal));
        var restored = lines.FirstOrDefault(l => l.Contains("Restored snapshot", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The new node did not restore a snapshot. Its log:\n{node.Output.Tail(40)}");
        var operation = restoring is not null && Timestamp(restoring) is { } from && Timestamp(restored) is { } to ? to - from : whole;
        Directory.Delete(directory, recursive: true);
        return (operation, whole, Steps(restored));
    }

    /// <summary>The steps a save or restore logs, e.g. " (copy 1.10 s, hash 0.40 s, store 0.02 s, verify 0.38 s)"; empty for builds that log none.</summary>
    private static string Steps(string? line) =>
        line is not null && StepsLogged().Match(line) is { Success: true } m ? " " + m.Value : "";

    /// <summary>Waits until the node has published every change its install captured and cleaned them up (all but the last).</summary>
    private static async Task<TimeSpan> WaitChangeLogEmptyAsync(string database, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = BenchDatabase.Open(database))
            {
                await using var count = connection.CreateCommand();
                count.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = '__harmonylite__changes'";
                if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0) return clock.Elapsed;
                // Cleanup keeps the greatest row (the next change is numbered after it).
                count.CommandText = "SELECT count(*) FROM __harmonylite__changes";
                if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) <= 1) return clock.Elapsed;
            }
            if (clock.Elapsed > CommandTimeout) throw new TimeoutException($"The node's change log was not empty {CommandTimeout.TotalMinutes:N0} min after its start.");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static DateTime? Timestamp(string line) =>
        line.Length >= 24 && DateTime.TryParse(line[..24], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    // "Saved snapshot <id> of <db> to the <store>: <n> bytes in 00:00:03.1234567, positions ..."
    [GeneratedRegex(@"Saved snapshot .* bytes in (?<elapsed>\d+:\d\d:\d\d(\.\d+)?)")]
    private static partial Regex SavedLine();

    [GeneratedRegex(@"\((copy|download)[^)]*\)")]
    private static partial Regex StepsLogged();
}
