using HarmonyLite.EndToEnd.Tests.Harness;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.EndToEnd.Tests.Snapshots;

/// <summary>
/// Three nodes whose streams keep only <see cref="MaxEntries"/> messages (on every server, so they outlive a stopped
/// node), with snapshots enabled in one directory they all share, as a mounted share would be.
/// </summary>
public sealed class SnapshotClusterFixture : IAsyncLifetime
{
    public const long MaxEntries = 10;

    public const string Schema = """
        CREATE TABLE notes(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
        CREATE TABLE readings(id INTEGER PRIMARY KEY NOT NULL, value REAL NOT NULL);
        CREATE TABLE events(id INTEGER PRIMARY KEY NOT NULL, payload TEXT NOT NULL);
        CREATE TABLE refusals(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
        CREATE TABLE holds(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
        CREATE TABLE lags(id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
        """;

    private readonly TempDirectory _snapshotDirectory = new("harmonylite-e2e-snapshots");
    private ClusterHarness? _cluster;

    public ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public string SnapshotDirectory => _snapshotDirectory.Path;

    /// <summary>What every node of this cluster runs with, newcomers included.</summary>
    public NodeSettings NodeSettings => new()
    {
        Replicas = 3,
        MaxEntries = MaxEntries,
        SnapshotToml = $"""
            [snapshot]
            enabled = true
            store = "file"
            interval = 0
            leader_ttl = 3000

            [snapshot.file]
            path = "{SnapshotDirectory}"
            """,
    };

    public async Task InitializeAsync() =>
        _cluster = await ClusterHarness.StartAsync(new ClusterSettings { Nodes = 3, Schema = Schema, Node = _ => NodeSettings });

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _snapshotDirectory.Dispose();
    }
}
