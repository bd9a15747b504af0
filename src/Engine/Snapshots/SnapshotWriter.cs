using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Writes a consistent copy of a database while applications keep writing: a page copy (<see cref="PageCopy"/>) to a
/// temporary file next to it, then, in the copy, empties the change log and removes node-local state, reads the
/// stream positions the copy is consistent with and hashes the user schema; a copy left with many free pages is
/// compacted. The file is hashed while the disk takes it (fsync beside the hash), so a store that syncs it finds
/// nothing left to write.
/// </summary>
internal static class SnapshotWriter
{
    /// <summary>An emptied change log leaves free pages; above this share of the file the copy is compacted before upload.</summary>
    private const double CompactWhenFreeShareAbove = 0.125;

    /// <summary>Writes the snapshot file; dispose the result to delete it.</summary>
    /// <exception cref="FileNotFoundException">The database does not exist.</exception>
    public static async Task<SnapshotFile> WriteAsync(string databasePath, long nodeId, SnapshotSteps? steps, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        steps ??= new SnapshotSteps(TimeProvider.System);
        var database = Path.GetFullPath(databasePath);
        var copy = TemporaryFiles.SnapshotCopy(database);
        try
        {
            DateTimeOffset createdAt;
            await using (var source = await SqliteConnectionFactory.OpenAsync(database, null, cancellationToken).ConfigureAwait(false))
            {
                createdAt = steps.Clock.GetUtcNow();
                await PageCopy.CopyAsync(source, copy, cancellationToken).ConfigureAwait(false);
            }

            IReadOnlyDictionary<string, ulong> positions;
            string schemaHash;
            await using (var connection = await SqliteConnectionFactory.OpenAsIsAsync(copy, SqliteOpenMode.ReadWrite, cancellationToken).ConfigureAwait(false))
            {
                // Synced once when all is written, beside the hash: a sync on the way (the switch out of WAL mode
                // checkpoints, a commit syncs) would wait for the whole copy to reach the disk.
                await connection.ExecuteAsync("PRAGMA synchronous = OFF", cancellationToken).ConfigureAwait(false);
                // A single self-contained file: whoever restores it switches it to WAL when it opens it.
                await connection.ExecuteAsync("PRAGMA journal_mode = DELETE", cancellationToken).ConfigureAwait(false);
                await CaptureLocalState.ClearAsync(connection, cancellationToken).ConfigureAwait(false);
                positions = await CaptureSchema.IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false)
                    ? await StreamPositionTable.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false)
                    : new Dictionary<string, ulong>();
                schemaHash = await SchemaHash.ComputeAsync(connection, cancellationToken).ConfigureAwait(false);
                var pages = await connection.ScalarInt64Async("PRAGMA page_count", cancellationToken).ConfigureAwait(false);
                var free = await connection.ScalarInt64Async("PRAGMA freelist_count", cancellationToken).ConfigureAwait(false);
                if (pages > 0 && (double)free / pages > CompactWhenFreeShareAbove)
                    await ExecuteInterruptibleAsync(connection, "VACUUM", cancellationToken).ConfigureAwait(false);
            }

            steps.Done("copy");
            var synced = Task.Run(() => SyncToDisk(copy), CancellationToken.None);
            var digest = await SnapshotDigest.OfFileAsync(copy, cancellationToken).ConfigureAwait(false);
            await synced.ConfigureAwait(false);
            steps.Done("hash");
            var metadata = new SnapshotMetadata
            {
                Id = SnapshotMetadata.NewId(createdAt, nodeId),
                NodeId = nodeId,
                CreatedAt = createdAt,
                Positions = positions,
                SchemaHash = schemaHash,
                Size = digest.Size,
                Sha256 = digest.Sha256,
            };
            return new SnapshotFile(copy, metadata);
        }
        catch
        {
            TemporaryFiles.Delete(copy);
            throw;
        }
    }

    private static void SyncToDisk(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Runs a statement that copies the whole file off the caller's thread (SQLite calls are synchronous), and
    /// interrupts it when cancelled instead of waiting for it to finish.
    /// </summary>
    private static Task ExecuteInterruptibleAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() =>
        {
            using var interrupt = cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));
            try
            {
                using var command = connection.CreateCommand(sql);
                command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }, CancellationToken.None);
    }
}
