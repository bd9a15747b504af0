using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// The publishing side of capture: reads pending changes as batches of whole transactions, marks them published
/// after the publish is acknowledged, and deletes published change-log rows.
/// </summary>
/// <remarks>
/// <para>How batches keep transactions whole. Every trigger takes the next number from one shared counter
/// (<c>__harmonylite__sequence.last_seq</c>) for each change it logs. SQLite runs one writer at a time, so the
/// changes of one transaction get consecutive numbers, and a read snapshot, which contains only committed
/// transactions, always sees <c>last_seq</c> at the end of a transaction. Every <c>last_seq</c> a read has seen is
/// therefore a transaction boundary; the reader records it in <c>__harmonylite__commit_points</c> and ends batches
/// only at recorded boundaries: as many whole boundary-to-boundary ranges as fit in the limit, or a single range
/// alone when it is larger than the limit. The reader takes no write lock before it reads, so it never waits for an
/// application's long transaction.</para>
/// <para>Not safe for concurrent use: one publishing loop owns one reader.</para>
/// </remarks>
public sealed class ChangeReader : IAsyncDisposable
{
    private static readonly string Sequence = SqliteIdentifier.Quote(CaptureArtifactNames.Sequence);
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
        var changes = new List<(long Sequence, RowChange Change)>();
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
            var catalog = await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false);
            var generations = await WatchedTableCatalog.ReadGenerationsAsync(_connection, cancellationToken).ConfigureAwait(false);
            foreach (var table in catalog.Values)
                await ReadChangeLogAsync(table.Name, generations.GetValueOrDefault(table.Name) ?? [], published, through, changes, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The last sequence number this snapshot saw is a transaction boundary; remember it so a backlog can be split there later.
        if (lastRecorded is null || last > lastRecorded)
            await _connection.ExecuteAsync($"INSERT OR IGNORE INTO {CommitPoints}(seq) VALUES (@seq)", cancellationToken, ("@seq", last)).ConfigureAwait(false);

        if (changes.Count != through - published)
            throw new InvalidDataException($"The change logs of '{_databasePath}' hold {changes.Count} changes numbered {first} to {through}, expected {through - published}; a change-log table was changed outside HarmonyLite. Remove capture and install it again.");
        changes.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var batch = new ChangeBatch(NodeId, BatchIdPrefix(NodeId, captureId) + $"{first}-{through}", changes.Select(c => c.Change).ToList());
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
        var updated = await _connection.ExecuteAsync($"UPDATE {Sequence} SET published_seq = @last WHERE published_seq = @before",
            cancellationToken, ("@last", pending.LastSequence), ("@before", pending.FirstSequence - 1)).ConfigureAwait(false);
        if (updated == 1) return;
        var (_, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        if (published < pending.LastSequence)
            throw new InvalidOperationException($"Batch {pending.Batch.BatchId} (changes {pending.FirstSequence} to {pending.LastSequence}) does not follow the last published change {published} in '{_databasePath}'; read pending changes again and publish what is returned.");
    }

    /// <summary>
    /// Deletes change-log rows that were published, and the logs of dropped tables once they are empty. Returns how
    /// many change-log rows were deleted. Call every cleanup interval.
    /// </summary>
    public async Task<int> CleanupPublishedAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var (_, published) = await ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in (await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false)).Values)
        {
            var log = Q(CaptureArtifactNames.ChangeLog(table.Name));
            deleted += await _connection.ExecuteAsync($"DELETE FROM {log} WHERE seq <= @published", cancellationToken, ("@published", published)).ConfigureAwait(false);
            if (table.Dropped && await _connection.ScalarInt64Async($"SELECT NOT EXISTS (SELECT 1 FROM {log})", cancellationToken).ConfigureAwait(false) == 1)
            {
                await _connection.ExecuteAsync($"DROP TABLE {log}", cancellationToken).ConfigureAwait(false);
                await _connection.ExecuteAsync($"DROP TABLE IF EXISTS {Q(CaptureArtifactNames.Versions(table.Name))}", cancellationToken).ConfigureAwait(false);
                await WatchedTableCatalog.RemoveAsync(_connection, table.Name, cancellationToken).ConfigureAwait(false);
            }
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
        await using var command = _connection.CreateCommand($"SELECT last_seq, published_seq FROM {Sequence}");
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

    private async Task ReadChangeLogAsync(string table, Dictionary<long, CaptureDefinition> generations, long after, long through,
        List<(long, RowChange)> changes, CancellationToken cancellationToken)
    {
        // Every column any generation captured exists in the log: columns are only ever added.
        var valueColumns = generations.Values.SelectMany(g => g.Columns).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var select = string.Join("", valueColumns.Select(c => ", " + Q(CaptureSqlBuilder.ValueColumn(c))));
        await using var command = _connection.CreateCommand(
            $"SELECT seq, generation, op, hlc, node_id{select} FROM {Q(CaptureArtifactNames.ChangeLog(table))} WHERE seq > @after AND seq <= @through",
            ("@after", after), ("@through", through));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < valueColumns.Count; i++) ordinals[valueColumns[i]] = 5 + i;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seq = reader.GetInt64(0);
            if (!generations.TryGetValue(reader.GetInt64(1), out var definition))
                throw new InvalidDataException($"Change {seq} in the change log of table '{table}' in '{_databasePath}' was captured under generation {reader.GetInt64(1)}, which the capture catalog does not know. Remove capture and install it again.");
            var operation = (ChangeOperation)reader.GetInt64(2);
            var names = operation == ChangeOperation.Delete ? definition.Key.Select(k => k.Name) : definition.Columns;
            var columns = names.Select(n => new ColumnValue(n, SqliteValue.FromDatabase(reader.GetValue(ordinals[n])))).ToList();
            changes.Add((seq, new RowChange(table, operation, new RowVersion(reader.GetInt64(3), reader.GetInt64(4)), columns)));
        }
    }

    private static string Q(string name) => SqliteIdentifier.Quote(name);
}
