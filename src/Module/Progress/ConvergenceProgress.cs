using System.Diagnostics;
using System.Management.Automation;
using HarmonyLite.PowerShell.Convergence;

namespace HarmonyLite.PowerShell.Progress;

/// <summary>How close the replicas are while Wait-HarmonyConvergence waits: their row counts, and the time left.</summary>
internal sealed class ConvergenceProgress(Cmdlet cmdlet, int databases, TimeSpan timeout)
{
    private readonly ProgressDisplay _display = new(cmdlet, 3, $"Waiting until {databases} databases hold the same rows");
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile IReadOnlyList<ReplicaDigest>? _latest;

    /// <summary>Takes one poll's digests (on any thread).</summary>
    public void Report(IReadOnlyList<ReplicaDigest> replicas) => _latest = replicas;

    /// <summary>Updates the bar (call on the pipeline thread).</summary>
    public void Show()
    {
        if (_latest is not { } replicas) return;
        var readable = replicas.Where(r => r.Error is null).ToList();
        var totals = readable.Select(r => r.RowCounts.Values.Sum()).ToList();
        var tables = readable.SelectMany(r => r.RowCounts.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = string.Join("; ", tables.Select(t => $"{t} {string.Join("/", readable.Select(r => r.RowCounts.GetValueOrDefault(t)))}"));
        var percent = totals.Count == 0 || totals.Max() == 0 ? -1 : (int)(totals.Min() * 100 / totals.Max());
        var left = timeout - _clock.Elapsed;
        _display.Update($"rows per table: {(rows.Length == 0 ? "none yet" : rows)}"
            + (readable.Count < replicas.Count ? $" ({replicas.Count - readable.Count} unreadable)" : "")
            + $" | {Math.Max(0, left.TotalSeconds):0} s left", percent);
    }

    public void Complete()
    {
        Show();
        _display.Complete();
    }
}
