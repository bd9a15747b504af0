namespace HarmonyLite.Engine.Capture;

/// <summary>What install did with one table.</summary>
public enum TableCaptureOutcome
{
    /// <summary>Newly watched: change log, version table and triggers created.</summary>
    Installed,

    /// <summary>Already watched; its triggers were rebuilt (columns changed, the table was rebuilt, or the node id changed). Pending changes were kept.</summary>
    Updated,

    /// <summary>Already watched and up to date; nothing was touched.</summary>
    Unchanged,

    /// <summary>Not replicated; <see cref="TableCaptureReport.Refusal"/> says why and what to do.</summary>
    Refused,

    /// <summary>Was watched but no longer exists; changes captured before the drop are still published, then its log is removed.</summary>
    Dropped,
}
