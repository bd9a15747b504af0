using HarmonyLite.Bench.Sidecars;

namespace HarmonyLite.Bench.Outside;

/// <summary>
/// A suite measured from outside, as a user sees HarmonyLite: <c>harmonylite</c> sidecar processes (the build in
/// <see cref="OutsideSettings.Executable"/>), each with its embedded nats-server, clustered on loopback, and writer.py
/// writing node 1's database as an application would. Each run starts a fresh cluster; figures are medians.
/// </summary>
public abstract class OutsideSuite : IBenchSuite
{
    protected OutsideSuite(OutsideSettings settings) => Settings = settings;

    protected OutsideSettings Settings { get; }

    public abstract string Name { get; }

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        report.Note(Name, $"build: {Settings.Executable}");
        report.Load(Name, "at the start");
        await MeasureAsync(report, cancellationToken);
        report.Load(Name, "at the end");
    }

    protected abstract Task MeasureAsync(BenchReport report, CancellationToken cancellationToken);

    /// <summary>Three sidecars (or <paramref name="nodes"/>) whose databases writer.py made with <paramref name="schema"/>.</summary>
    protected Task<SidecarCluster> StartClusterAsync(string schema, CancellationToken cancellationToken, int nodes = 3, SidecarNodeSettings? node = null) =>
        StartClusterAsync((_, path, token) => OutsideWriter.RunAsync("schema", TimeSpan.FromMinutes(2), token, "--db", path, "--sql", schema), cancellationToken, nodes, node);

    protected Task<SidecarCluster> StartClusterAsync(Func<int, string, CancellationToken, Task> prepareDatabase, CancellationToken cancellationToken,
        int nodes = 3, SidecarNodeSettings? node = null) =>
        SidecarCluster.StartAsync(new SidecarClusterOptions
        {
            Executable = Settings.Executable,
            Nodes = nodes,
            Node = node ?? new SidecarNodeSettings(),
            PrepareDatabase = prepareDatabase,
            KeepFiles = Settings.KeepFiles,
            Name = $"harmonylite-{Name}",
        }, cancellationToken);

    /// <summary>Nodes that stopped by themselves during a run, with the last error each logged, for a note; empty when all survived.</summary>
    protected static string DeadNodes(SidecarCluster cluster) =>
        string.Join("; ", cluster.Nodes.SelectMany(n => n.UnexpectedExits.Select(e => $"node {n.Id} STOPPED BY ITSELF (exit code {e.ExitCode}): {LastError(e.LogTail)}")));

    private static string LastError(string log) =>
        log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Contains(" FTL ", StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal)
            || l.StartsWith("harmonylite: ", StringComparison.Ordinal)) ?? "no error logged";
}
