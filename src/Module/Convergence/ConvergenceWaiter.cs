using System.Diagnostics;
using HarmonyLite.Engine.Inspection;
using HarmonyLite.PowerShell.Isolated.Logging;

namespace HarmonyLite.PowerShell.Convergence;

/// <summary>Polls databases until their user tables hold the same rows (equal <see cref="DatabaseDigest"/>s).</summary>
internal static class ConvergenceWaiter
{
    /// <param name="databases">Full paths of the databases to compare.</param>
    /// <param name="timeout">How long to wait for agreement.</param>
    /// <param name="pollInterval">The pause between two comparisons.</param>
    /// <param name="log">Gets a record each time the picture changes while waiting (information level), or null.</param>
    /// <param name="observe">Gets every poll's digests (on the engine's thread), for a progress display; or null.</param>
    /// <exception cref="FileNotFoundException">A database does not exist (reported at once, not after the timeout).</exception>
    /// <exception cref="ConvergenceTimeoutException">They still differed after <paramref name="timeout"/>.</exception>
    public static async Task<ConvergenceResult> WaitAsync(IReadOnlyList<string> databases, TimeSpan timeout, TimeSpan pollInterval, EngineLog? log, CancellationToken cancellationToken,
        Action<IReadOnlyList<ReplicaDigest>>? observe = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(databases.Count, 1, nameof(databases));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero, nameof(pollInterval));
        foreach (var database in databases)
        {
            if (!File.Exists(database)) throw new FileNotFoundException($"The database {database} does not exist. Check the path given to -DatabasePath.", database);
        }
        var clock = Stopwatch.StartNew();
        string? lastPicture = null;
        while (true)
        {
            var replicas = await Task.WhenAll(databases.Select(d => ReadAsync(d, cancellationToken))).ConfigureAwait(false);
            observe?.Invoke(replicas);
            if (replicas.All(r => r.Error is null) && replicas.Select(r => r.Sha256).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                return new ConvergenceResult(replicas[0].Sha256, databases.ToArray(), replicas[0].RowCounts, clock.Elapsed);
            }
            var picture = string.Join("; ", replicas.Select(r => r.Describe()));
            if (picture != lastPicture)
            {
                log?.Write(new HarmonyLogRecord(DateTimeOffset.Now, HarmonyLogLevel.Information, nameof(ConvergenceWaiter), $"Not converged yet: {picture}", null));
                lastPicture = picture;
            }
            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero) throw new ConvergenceTimeoutException(timeout, replicas);
            await Task.Delay(remaining < pollInterval ? remaining : pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<ReplicaDigest> ReadAsync(string database, CancellationToken cancellationToken)
    {
        try
        {
            var digest = await DatabaseDigest.ComputeAsync(database, cancellationToken).ConfigureAwait(false);
            return new ReplicaDigest(database, digest.Sha256, digest.RowCounts, null);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A replica being restored or locked right now may be readable at the next poll.
            return new ReplicaDigest(database, "", new Dictionary<string, long>(), error.Message);
        }
    }
}
