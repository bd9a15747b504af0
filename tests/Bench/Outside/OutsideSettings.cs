using HarmonyLite.Bench.Sidecars;

namespace HarmonyLite.Bench.Outside;

/// <summary>What the outside suites measure and with which build; the defaults are issue 15's goals table.</summary>
public sealed record OutsideSettings
{
    public required SidecarExecutable Executable { get; init; }

    /// <summary>Times each suite measures, each on a fresh cluster; figures are medians over the runs.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Keep every cluster's directory (databases, logs, NATS stores) after the run.</summary>
    public bool KeepFiles { get; init; }

    /// <summary>Single-row inserts timed from node 1 to node 3 (after 20 not counted).</summary>
    public int Probes { get; init; } = 300;

    /// <summary>Rows of the bulk load, written in transactions of <see cref="BulkTransactionRows"/>.</summary>
    public int BulkRows { get; init; } = 100_000;

    public int BulkTransactionRows { get; init; } = 1_000;

    /// <summary>How long the bulk load may take until all its rows are on node 3; past it the rate so far is reported.</summary>
    public TimeSpan BulkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The application's single-row writes timed with and without HarmonyLite.</summary>
    public int Singles { get; init; } = 100_000;

    /// <summary>Rows already in the table before the single-row writes, one comparison per size.</summary>
    public IReadOnlyList<int> PrefillSizes { get; init; } = [100_000, 1_000_000];

    /// <summary>How long the single-row writes may take; past it the rate so far is reported.</summary>
    public TimeSpan SinglesTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the application holds the write lock in the busy-database suite, and how many times.</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.FromSeconds(12);

    public int Holds { get; init; } = 3;

    /// <summary>Size of the snapshot suite's database.</summary>
    public int SnapshotMegabytes { get; init; } = 500;

    /// <summary>Length of the memory suite's soak.</summary>
    public TimeSpan Soak { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Writes per second on each node during the memory soak (three nodes: issue 11's soak ran about 390 in all).</summary>
    public double SoakWritesPerNode { get; init; } = 130;
}
