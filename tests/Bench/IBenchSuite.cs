namespace HarmonyLite.Bench;

/// <summary>A group of measurements printed by <c>./build.sh bench</c>. Figures are printed, never asserted.</summary>
public interface IBenchSuite
{
    /// <summary>Short name used to select the suite on the command line (e.g. "nats").</summary>
    string Name { get; }

    Task RunAsync(BenchReport report, CancellationToken cancellationToken);
}
