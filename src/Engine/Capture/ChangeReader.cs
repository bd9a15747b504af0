using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// The publishing side of capture: reads pending changes as batches of whole transactions, marks them published
/// after the publish is acknowledged, and deletes published change-log rows.
/// </summary>
/// <remarks>
/// <para>How batches keep transactions whole. Every change goes to one shared log (<c>__harmonylite__changes</c>),
/// numbered by its rowid, one more than the greatest. SQLite runs one writer at a time, so the changes of one
/// transaction get consecutive numbers, and a read snapshot, which contains only committed transactions, always
/// sees the greatest number at the end of a transaction. Every greatest number a read has seen is therefore a
/// transaction boundary; the reader records it in <c>__harmonylite__commit_points</c> and ends batches
/// only at recorded boundaries: as many whole boundary-to-boundary ranges as fit in the limit, or a single range
/// alone when it is larger than the limit. The reader takes no write lock before it reads, so it never waits for an
/// application's long transaction.</para>
/// <para>Not safe for concurrent use: one publishing loop owns one reader.</para>
/// </remarks>
public sealed class ChangeReader : IAsyncDisposable
{
    private static readonly string Changes = SqliteIdentifier.Quote(CaptureArtifactNames.Changes);
    private static readonly string Published = SqliteIdentifier.Quote(CaptureArtifactNames.Published);
    private static readonly string CommitPoints = SqliteIdentifier.Quote(CaptureArtifactNames.CommitPoints);

    private readonly SqliteConnection _connection;
    private readonly string _databasePath;

    private ChangeReader(SqliteConnection connection, string databasePath, long nodeId)
    {
        _connection = connection;
        _databasePath = databasePath;
        NodeId = nodeId;
    }

    /// <summary>The node whose changes this reader publishes; it must match the node id capture was installed with.</summary>
    public long NodeId { get; }

    public static async Task<ChangeReader> OpenAsync(string databasePath, long nodeId, SqliteConnectionOptions? options, CancellationToken cancellationToken)
    {
        var connection = await SqliteConnectionFactory.OpenAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var fullPath = Path.GetFullPath(databasePath);
            await CaptureSchema.RequireInstalledAsync(connection, fullPath, cancellationToken).ConfigureAwait(false);
            return new ChangeReader(connection, fullPath, nodeId);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads the oldest unpublished changes in one read transaction: whole transactions, up to
    /// <paramref name="maxChanges"/> changes unless a single group of transactions is larger (it then comes alone).
    /// Returns null when nothing is pending. Until <see cref="MarkPublishedAsync"/> is called, reading again returns
    /// the same batch with the same id (or a longer one when more transactions fit since), so a retried publish is
    /// recognised as a duplicate.
    /// </summary>
    public async Task<PendingBatch?> ReadPendingAsync(int maxChanges, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChanges, 1);
        long last, published, first, through;
        long? lastRecorded;
        string captureId;
        var changes = new List<RowChange>();
        await using (var transaction = await SqliteTransactionScope.BeginReadAsync(_connection, cancellationToken).ConfigureAwait(false))
        {
            (last, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
            if (last == published) return null;
            var installedNode = await _connection.ScalarAsync($"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = @key", cancellationToken, ("@key", CaptureArtifactNames.MetaNodeIdKey)).ConfigureAwait(false);
            if (installedNode is not long node || node != NodeId)
                throw new InvalidOperationException($"Change capture in '{_databasePath}' was installed for node {installedNode ?? "(none)"}, but this reader publishes as node {NodeId}. Install capture with node id {NodeId} first, so the triggers stamp it on new changes.");
            captureId = (string)(await _connection.ScalarAsync($"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = @key", cancellationToken, ("@key", CaptureArtifactNames.MetaCaptureIdKey)).ConfigureAwait(false)
                ?? throw new CaptureNotInstalledException(_databasePath));
            lastRecorded = (long?)await _connection.ScalarAsync($"SELECT max(seq) FROM {CommitPoints}", cancellationToken).ConfigureAwait(false);

            first = published + 1;
            through = await ChooseBatchEndAsync(published, last, maxChanges, cancellationToken).ConfigureAwait(false);
            await ReadChangesAsync(published, through, changes, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The last sequence number this snapshot saw is a transaction boundary; remember it so a backlog can be split there later.
        if (lastRecorded is null || last > lastRecorded)
            await _connection.ExecuteAsync($"INSERT OR IGNORE INTO {CommitPoints}(seq) VALUES (@seq)", cancellationToken, ("@seq", last)).ConfigureAwait(false);

        if (changes.Count != through - published)
            throw new InvalidDataException($"The change log of '{_databasePath}' holds {changes.Count} changes numbered {first} to {through}, expected {through - published}; the change-log table was changed outside HarmonyLite. Remove capture and install it again.");
        var batch = new ChangeBatch(NodeId, BatchIdPrefix(NodeId, captureId) + $"{first}-{through}", changes);
        return new PendingBatch(batch, first, through);
    }

    /// <summary>
    /// The start of every batch id this database publishes under its current capture installation. A batch whose id
    /// starts with it is already in this database; one from this node with another capture id (published before a
    /// snapshot restore or a reinstall) may not be.
    /// </summary>
    public async Task<string> ReadOwnBatchIdPrefixAsync(CancellationToken cancellationToken)
    {
        var captureId = (string)(await _connection.ScalarAsync($"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = @key", cancellationToken, ("@key", CaptureArtifactNames.MetaCaptureIdKey)).ConfigureAwait(false)
            ?? throw new CaptureNotInstalledException(_databasePath));
        return BatchIdPrefix(NodeId, captureId);
    }

    private static string BatchIdPrefix(long nodeId, string captureId) => $"{nodeId}-{captureId}-";

    /// <summary>
    /// Records that <paramref name="pending"/> was published (call after the publish acknowledgement). Idempotent:
    /// marking the same batch twice is harmless.
    /// </summary>
    public async Task MarkPublishedAsync(PendingBatch pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var updated = await _connection.ExecuteAsync($"UPDATE {Published} SET seq = @last WHERE seq = @before",
            cancellationToken, ("@last", pending.LastSequence), ("@before", pending.FirstSequence - 1)).ConfigureAwait(false);
        if (updated == 1) return;
        var (_, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        if (published < pending.LastSequence)
            throw new InvalidOperationException($"Batch {pending.Batch.BatchId} (changes {pending.FirstSequence} to {pending.LastSequence}) does not follow the last published change {published} in '{_databasePath}'; read pending changes again and publish what is returned.");
    }

    /// <summary>
    /// Deletes change-log rows that were published, and forgets dropped tables once all their changes are. Returns how
    /// many change-log rows were deleted. Call every cleanup interval.
    /// </summary>
    public async Task<int> CleanupPublishedAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var (_, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        // The greatest row stays: the next change is numbered after it, so numbers never go back below what was published.
        var deleted = await _connection.ExecuteAsync($"DELETE FROM {Changes} WHERE seq <= @published AND seq < (SELECT max(seq) FROM {Changes})",
            cancellationToken, ("@published", published)).ConfigureAwait(false);
        var generations = await WatchedTableCatalog.ReadGenerationsAsync(_connection, cancellationToken).ConfigureAwait(false);
        foreach (var table in (await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false)).Values.Where(t => t.Dropped))
        {
            var ofTable = string.Join(", ", generations.Where(g => string.Equals(g.Value.Table, table.Name, StringComparison.OrdinalIgnoreCase)).Select(g => g.Key));
            if (ofTable.Length > 0 && await _connection.ScalarInt64Async($"SELECT EXISTS (SELECT 1 FROM {Changes} WHERE seq > @published AND generation IN ({ofTable}))",
                    cancellationToken, ("@published", published)).ConfigureAwait(false) == 1)
                continue;
            await _connection.ExecuteAsync($"DROP TABLE IF EXISTS {Q(CaptureArtifactNames.Versions(table.Name))}", cancellationToken).ConfigureAwait(false);
            await WatchedTableCatalog.RemoveAsync(_connection, table.Name, cancellationToken).ConfigureAwait(false);
        }
        await _connection.ExecuteAsync($"DELETE FROM {CommitPoints} WHERE seq <= @published", cancellationToken, ("@published", published)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>How many captured changes are not published yet.</summary>
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        var (last, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        return last - published;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<(long Last, long Published)> ReadCountersAsync(CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand(CaptureSchema.CountersQuery);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) throw new CaptureNotInstalledException(_databasePath);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The last change of the batch: the furthest known boundary within the limit, else the nearest one.</summary>
    private async Task<long> ChooseBatchEndAsync(long published, long last, int maxChanges, CancellationToken cancellationToken)
    {
        if (last - published <= maxChanges) return last;
        var withinLimit = await _connection.ScalarAsync($"SELECT max(seq) FROM {CommitPoints} WHERE seq > @published AND seq <= @limit",
            cancellationToken, ("@published", published), ("@limit", published + maxChanges)).ConfigureAwait(false);
        if (withinLimit is long end) return end;
        var nearest = await _connection.ScalarAsync($"SELECT min(seq) FROM {CommitPoints} WHERE seq > @published AND seq < @last",
            cancellationToken, ("@published", published), ("@last", last)).ConfigureAwait(false);
        return nearest as long? ?? last;
    }

    private async Task ReadChangesAsync(long after, long through, List<RowChange> changes, CancellationToken cancellationToken)
    {
        var generations = await WatchedTableCatalog.ReadGenerationsAsync(_connection, cancellationToken).ConfigureAwait(false);
        // The log has a value column for every column of the widest generation: columns are only ever added.
        var width = generations.Values.Select(g => g.Definition.Columns.Count).DefaultIfEmpty(0).Max();
        var select = string.Join("", Enumerable.Range(0, width).Select(i => ", " + Q(CaptureSqlBuilder.ValueColumn(i))));
        await using var command = _connection.CreateCommand(
            $"SELECT {CaptureSchema.ChangeLogHeaderColumns}{select} FROM {Changes} WHERE seq > @after AND seq <= @through ORDER BY seq",
            ("@after", after), ("@through", through));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // Per generation, the names and reader ordinals of what an upsert and a delete carry (a delete only the key).
        var layouts = generations.ToDictionary(g => g.Key, g =>
        {
            var definition = g.Value.Definition;
            var all = definition.Columns.Select((name, i) => (Name: name, Ordinal: CaptureSchema.ChangeLogHeaderWidth + i)).ToArray();
            var key = definition.Key.Select(k => (k.Name, Ordinal: CaptureSchema.ChangeLogHeaderWidth + definition.IndexOfColumn(k.Name))).ToArray();
            return (g.Value.Table, All: all, Key: key);
        });
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!layouts.TryGetValue(reader.GetInt64(1), out var layout))
                throw new InvalidDataException($"Change {reader.GetInt64(0)} in the change log of '{_databasePath}' was captured under generation {reader.GetInt64(1)}, which the capture catalog does not know. Remove capture and install it again.");
            var operation = (ChangeOperation)reader.GetInt64(2);
            var columns = (operation == ChangeOperation.Delete ? layout.Key : layout.All)
                .Select(c => new ColumnValue(c.Name, SqliteValue.FromDatabase(reader.GetValue(c.Ordinal)))).ToList();
            changes.Add(new RowChange(layout.Table, operation, new RowVersion(reader.GetInt64(3), reader.GetInt64(4)), columns));
        }
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
