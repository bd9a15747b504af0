namespace HarmonyLite.Engine.Capture;

/// <summary>The result of one install: a line per user table (and per watched table that was dropped), by name.</summary>
public sealed record CaptureInstallReport(IReadOnlyList<TableCaptureReport> Tables)
{
    public IEnumerable<TableCaptureReport> Watched => Tables.Where(t => t.IsWatched);

    public IEnumerable<TableCaptureReport> Refused => Tables.Where(t => t.Outcome == TableCaptureOutcome.Refused);

    /// <summary>Whether install changed any trigger (some table installed, updated or dropped).</summary>
    public bool ChangedAnything => Tables.Any(t => t.Outcome is TableCaptureOutcome.Installed or TableCaptureOutcome.Updated or TableCaptureOutcome.Dropped);

    /// <summary>The report for <paramref name="table"/> (case-insensitive, like SQLite names), or null.</summary>
    public TableCaptureReport? this[string table] => Tables.FirstOrDefault(t => string.Equals(t.Table, table, StringComparison.OrdinalIgnoreCase));
}
