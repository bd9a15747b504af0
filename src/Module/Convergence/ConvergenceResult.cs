namespace HarmonyLite.PowerShell.Convergence;

/// <summary>Replicas that agree: every database has the same user tables with the same rows.</summary>
/// <param name="Sha256">The common digest.</param>
/// <param name="DatabasePaths">The databases compared.</param>
/// <param name="RowCounts">Rows per user table (the same in every database).</param>
/// <param name="Elapsed">How long it took until they agreed.</param>
public sealed record ConvergenceResult(string Sha256, IReadOnlyList<string> DatabasePaths, IReadOnlyDictionary<string, long> RowCounts, TimeSpan Elapsed);
