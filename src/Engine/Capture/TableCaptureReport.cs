namespace HarmonyLite.Engine.Capture;

/// <summary>The install result for one table.</summary>
/// <param name="Table">The table name.</param>
/// <param name="Outcome">What install did.</param>
/// <param name="Refusal">Set when <paramref name="Outcome"/> is <see cref="TableCaptureOutcome.Refused"/>.</param>
/// <param name="Warnings">Collision risks of a replicated table; empty when none.</param>
public sealed record TableCaptureReport(string Table, TableCaptureOutcome Outcome, CaptureRefusal? Refusal, IReadOnlyList<CaptureWarning> Warnings)
{
    /// <summary>
    /// Rows the table already held without a version (written before capture watched it, for instance right after a
    /// CREATE TABLE): install captured them as inserts, so they are published like any other change.
    /// </summary>
    public long ExistingRowsCaptured { get; init; }

    /// <summary>Whether changes to the table are captured after this install.</summary>
    public bool IsWatched => Outcome is TableCaptureOutcome.Installed or TableCaptureOutcome.Updated or TableCaptureOutcome.Unchanged;

    public override string ToString() =>
        $"{Table}: {Outcome}" + (Refusal is null ? "" : $" ({Refusal.Message})") + string.Concat(Warnings.Select(w => $"; warning: {w.Message}"));
}
