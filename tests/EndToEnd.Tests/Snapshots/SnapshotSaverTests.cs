using System.Globalization;
using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.EndToEnd.Tests.Snapshots;

/// <summary>
/// Two nodes with snapshots enabled on the same store: the snapshot lease makes one of them save, one snapshot per
/// trigger, and the other takes over when it stops.
/// </summary>
public sealed class SnapshotSaverTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private const string SavedLine = "INF snapshotscheduler: Saved snapshot ";
    private const string HoldsLeaseLine = "holds the snapshot lease";

    private readonly TempDirectory _snapshotDirectory = new("harmonylite-e2e-savers");
    private readonly ITestOutputHelper _output;
    private ClusterHarness? _cluster;

    public SnapshotSaverTests(ITestOutputHelper output) => _output = output;

    private ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    // Three copies of everything (streams, lease bucket), so the cluster goes on when the saver stops; node 3 saves nothing.
    public async Task InitializeAsync() => _cluster = await ClusterHarness.StartAsync(new ClusterSettings
    {
        Nodes = 3,
        Schema = "CREATE TABLE items(id INTEGER PRIMARY KEY NOT NULL, label TEXT NOT NULL);",
        Node = id => new NodeSettings
        {
            Replicas = 3,
            SnapshotToml = id == 3 ? null : $"""
                [snapshot]
                enabled = true
                store = "file"
                interval = {Interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}
                leader_ttl = 3000
                keep = 100

                [snapshot.file]
                path = "{_snapshotDirectory.Path}"
                """,
        },
    });

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _snapshotDirectory.Dispose();
    }

    [Fact]
    public async Task Two_nodes_with_snapshots_enabled_save_one_snapshot_per_trigger_between_them_and_the_other_takes_over()
    {
        var savers = new[] { Cluster[1], Cluster[2] };
        await Cluster[3].Database.ExecuteAsync("INSERT INTO items VALUES (1, 'something to save');");
        await Cluster.WaitUntilAsync(() => Task.FromResult(savers.Sum(n => Saves(n).Count) >= 3), "three snapshots saved by nodes 1 and 2", TimeSpan.FromSeconds(60));
        AssertOneSnapshotPerInterval(savers);

        // Whoever saved last holds the lease now (normally the only one that ever held it).
        var holder = savers.OrderByDescending(n => Saves(n).Select(s => s.CreatedAt).DefaultIfEmpty().Max()).First();
        var other = savers.Single(n => n != holder);
        var savedByOther = Saves(other).Count;
        // Marked before the stop: the holder gives the lease up while it shuts down, and the other may take it at once.
        var stopping = other.Log.Mark();
        Assert.Equal(0, await holder.StopAsync());
        await Cluster.WaitUntilAsync(() => Task.FromResult(Saves(other).Count >= savedByOther + 2), $"node {other.Id} taking over the lease and saving", TimeSpan.FromSeconds(60));
        Assert.Contains(other.Log.LinesSince(stopping), l => l.Contains(HoldsLeaseLine, StringComparison.Ordinal));
        AssertOneSnapshotPerInterval(savers);

        // Every snapshot in the store is one a holder logged: nobody saved behind the lease's back.
        var logged = savers.SelectMany(Saves).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var stored = Directory.EnumerateFiles(_snapshotDirectory.Path, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).ToList();
        Assert.True(stored.Count == logged.Count && stored.All(logged.Contains),
            $"stored: {string.Join(", ", stored)}; logged: {string.Join(", ", logged)}");
        _output.WriteLine(Describe(savers));
    }

    /// <summary>
    /// Between them, the nodes created their snapshots an interval apart at least: one per trigger, never two at once,
    /// across a hand-over too (the new holder counts from the newest snapshot).
    /// </summary>
    private static void AssertOneSnapshotPerInterval(IReadOnlyList<NodeProcess> savers)
    {
        var saves = savers.SelectMany(Saves).OrderBy(s => s.CreatedAt).ToList();
        for (var i = 1; i < saves.Count; i++)
        {
            var gap = saves[i].CreatedAt - saves[i - 1].CreatedAt;
            Assert.True(gap >= Interval - TimeSpan.FromMilliseconds(10), $"{saves[i - 1].Id} and {saves[i].Id} were created only {gap} apart (snapshot.interval {Interval})\n{Describe(savers)}");
        }
    }

    /// <summary>A snapshot a node's scheduler saved; its id starts with its creation time, e.g. 20261122T073813.673Z-1.</summary>
    private sealed record Save(string Id, DateTimeOffset CreatedAt);

    /// <summary>The snapshots a node's scheduler saved, from its log: "… INF snapshotscheduler: Saved snapshot ID because …".</summary>
    private static List<Save> Saves(NodeProcess node) => node.Log.LinesSince()
        .Where(l => l.Contains(SavedLine, StringComparison.Ordinal))
        .Select(l =>
        {
            var rest = l[(l.IndexOf(SavedLine, StringComparison.Ordinal) + SavedLine.Length)..];
            var id = rest[..rest.IndexOf(' ', StringComparison.Ordinal)];
            var createdAt = DateTimeOffset.ParseExact(id[..id.IndexOf('-', StringComparison.Ordinal)], "yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return new Save(id, createdAt);
        })
        .ToList();

    private static string Describe(IEnumerable<NodeProcess> nodes) => string.Join("\n", nodes.Select(n =>
        $"node {n.Id}: {string.Join(", ", Saves(n).Select(s => s.Id))}"));
}
