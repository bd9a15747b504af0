namespace HarmonyLite.PowerShell.Convergence;

/// <summary>One database's content digest at one poll, or why it could not be read.</summary>
/// <param name="DatabasePath">The database.</param>
/// <param name="Sha256">The digest of its user tables; empty when <paramref name="Error"/> is set.</param>
/// <param name="RowCounts">Rows per user table.</param>
/// <param name="Error">Why the database could not be read at this poll (it may be locked or being restored).</param>
public sealed record ReplicaDigest(string DatabasePath, string Sha256, IReadOnlyDictionary<string, long> RowCounts, string? Error)
{
    /// <summary>For messages: the digest's start and the row counts, or the error.</summary>
    public string Describe() => Error is not null
        ? $"{DatabasePath}: unreadable ({Error})"
        : $"{DatabasePath}: sha256 {Sha256[..Math.Min(12, Sha256.Length)]}, "
          + (RowCounts.Count == 0 ? "no tables" : string.Join(", ", RowCounts.Select(c => $"{c.Key}={c.Value}")));
}
