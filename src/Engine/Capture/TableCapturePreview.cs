namespace HarmonyLite.Engine.Capture;

/// <summary>What installing change capture would do to one table, read without changing anything.</summary>
/// <param name="Table">The table name.</param>
/// <param name="Refusal">Why the table would be refused; null when it would be replicated.</param>
/// <param name="Warnings">Collision risks it would be replicated with; empty when none.</param>
public sealed record TableCapturePreview(string Table, CaptureRefusal? Refusal, IReadOnlyList<CaptureWarning> Warnings)
{
    /// <summary>Whether the table would be replicated.</summary>
    public bool WouldReplicate => Refusal is null;
}
