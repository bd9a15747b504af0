using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// The parts of an installation that belong to the node that made them rather than to the data: captured changes and
/// their publishing bookkeeping, set-aside messages, the apply flag, and the node and capture ids. A copy of the
/// database handed to another node (a snapshot) must not carry them; the row versions and stream positions stay,
/// because they are what the copy's rows are consistent with.
/// </summary>
internal static class CaptureLocalState
{
    private static readonly string Meta = SqliteIdentifier.Quote(CaptureArtifactNames.Meta);

    /// <summary>
    /// Empties the change log and removes the node-local state in one write transaction. Does nothing on a database
    /// without capture. The next install (by any node) starts a fresh capture id, so batch ids published from a restored
    /// copy never repeat ones the original published.
    /// </summary>
    public static async Task ClearAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (!await CaptureSchema.IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false)) return;
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM {Q(CaptureArtifactNames.Changes)}", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"UPDATE {Q(CaptureArtifactNames.Published)} SET seq = 0", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM {Q(CaptureArtifactNames.Silence)}", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM {Q(CaptureArtifactNames.Quarantine)}", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync($"DELETE FROM {Meta} WHERE key IN (@node, @capture)", cancellationToken,
            ("@node", CaptureArtifactNames.MetaNodeIdKey), ("@capture", CaptureArtifactNames.MetaCaptureIdKey)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many captured changes are not published yet (they exist only in this database); 0 without capture.</summary>
    public static async Task<long> CountUnpublishedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (!await CaptureSchema.IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false)) return 0;
        return await connection.ScalarAsync($"SELECT last - published FROM ({CaptureSchema.CountersQuery})", cancellationToken).ConfigureAwait(false) as long? ?? 0;
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
