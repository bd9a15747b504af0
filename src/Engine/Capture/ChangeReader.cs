using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Capture;

/// <summary>
/// The publishing side of capture: reads pending changes as batches of whole transactions, remembers which were
/// published, and now and then deletes published change-log rows.
/// </summary>
/// <remarks>
/// <para>How batches keep transactions whole. Every change goes to one shared log (<c>__harmonylite__changes</c>),
/// numbered by its rowid, one more than the greatest. SQLite runs one writer at a time, so the changes of one
/// transaction get consecutive numbers, and a read snapshot, which contains only committed transactions, always
/// sees the greatest number at the end of a transaction. Every greatest number a read has seen is therefore a
/// transaction boundary; the reader remembers them and ends batches only at such boundaries: as many whole
/// boundary-to-boundary ranges as fit in the limit, or a single range alone when it is larger than the limit.</para>
/// <para>Invisible to the application: reading takes no lock an application waits for (WAL), and neither the
/// boundaries nor what was published are written to the database as they happen. The published position reaches the
/// database only when <see cref="CleanupPublishedAsync"/> deletes what it covers, in short transactions. After a
/// restart the reader starts from there and publishes a few changes again, which every node recognises by their row
/// versions (and JetStream by their batch id, when the batch comes out the same).</para>
/// <para>Not safe for concurrent use: one publishing loop owns one reader. <see cref="PublishedSequence"/> may be read
/// from any thread.</para>
/// </remarks>
public sealed class ChangeReader : IAsyncDisposable
{
    /// <summary>At most this many change-log rows are deleted per write transaction, so each one is short.</summary>
    public const int CleanupChunk = 5_000;

    private static readonly string Changes = SqliteIdentifier.Quote(CaptureArtifactNames.Changes);
    private static readonly string Published = SqliteIdentifier.Quote(CaptureArtifactNames.Published);

    private readonly SqliteConnection _connection;
    private readonly string _databasePath;
    private string _captureId = "";
    private readonly ILogger? _logger;
    private readonly SqliteStatement _lastChange;
    private readonly SortedSet<long> _boundaries = new();
    private readonly Dictionary<int, SqliteStatement> _readChanges = new();
    private Dictionary<long, GenerationLayout>? _layouts;
    private long _layoutsSchemaVersion = -1;
    private long _published;
    private long _cleanedThrough;

    private ChangeReader(SqliteConnection connection, string databasePath, long nodeId, ILogger? logger)
    {
        _connection = connection;
        _databasePath = databasePath;
        NodeId = nodeId;
        _logger = logger;
        _lastChange = SqliteStatement.Prepare(connection, $"SELECT coalesce(max(seq), 0) FROM {Changes}");
    }

    /// <summary>The node whose changes this reader publishes; it must match the node id capture was installed with.</summary>
    public long NodeId { get; }

    /// <summary>The number of the last change published (from this process's point of view; see the remarks).</summary>
    public long PublishedSequence => Interlocked.Read(ref _published);

    /// <param name="logger">Where a long wait for an application's write lock during cleanup is reported.</param>
    public static async Task<ChangeReader> OpenAsync(string databasePath, long nodeId, SqliteConnectionOptions? options, CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        var connection = await CaptureSchema.OpenInstalledAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = new ChangeReader(connection, Path.GetFullPath(databasePath), nodeId, logger);
            await reader.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads the oldest unpublished changes in one read transaction: whole transactions, up to
    /// <paramref name="maxChanges"/> changes and about <paramref name="maxBytes"/> bytes of values, unless a single group
    /// of transactions is larger (it then comes alone, or in parts when it passes <paramref name="maxBytes"/>).
    /// Returns null when nothing is pending. Until <see cref="MarkPublished"/> is called, reading again returns
    /// the same batch with the same id (or a longer one when more transactions fit since), so a retried publish is
    /// recognised as a duplicate.
    /// </summary>
    /// <param name="maxChanges">Most changes a batch takes when transactions can be kept whole within it.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="maxBytes">
    /// Most bytes a batch takes, as estimated before compression: the batch ends at the last
    /// transaction boundary within it, or, in a group of transactions whose boundaries are unknown, at the last change that
    /// fits (<see cref="PendingBatch.Cut"/>). A batch always takes at least one change.
    /// </param>
    public async Task<PendingBatch?> ReadPendingAsync(int maxChanges, CancellationToken cancellationToken, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChanges, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var published = PublishedSequence;
        var changes = new List<RowChange>();
        long through;
        bool cut;
        await using (var transaction = await SqliteTransactionScope.BeginReadAsync(_connection, cancellationToken).ConfigureAwait(false))
        {
            var last = ReadLastChange();
            if (last <= published) return null;
            // The last number this snapshot sees is a transaction boundary; remember it so a backlog can be split there later.
            _boundaries.Add(last);
            var layouts = await RefreshAsync(cancellationToken).ConfigureAwait(false);
            (through, cut) = ReadChanges(layouts, published, ChooseBatchEnd(published, last, maxChanges), maxBytes, changes);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (changes.Count != through - published)
            throw new InvalidDataException($"The change log of '{_databasePath}' holds {changes.Count} changes numbered {published + 1} to {through}, expected {through - published}; the change-log table was changed outside HarmonyLite. Remove capture and install it again.");
        var batch = new ChangeBatch(NodeId, OwnBatchIdPrefix + $"{published + 1}-{through}", changes);
        return new PendingBatch(batch, published + 1, through) { Cut = cut };
    }

    /// <summary>
    /// The start of every batch id this database publishes under its current capture installation. A batch whose id
    /// starts with it claims to be in this database; one from this node with another capture id (published before a
    /// snapshot restore or a reinstall) may not be.
    /// </summary>
    public string OwnBatchIdPrefix => $"{NodeId}-{_captureId}-";

    /// <summary>
    /// Records that <paramref name="pending"/> was published (call after the publish acknowledgement). Idempotent:
    /// marking the same batch twice is harmless. Nothing is written to the database.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch does not follow the last one published.</exception>
    public void MarkPublished(PendingBatch pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var published = PublishedSequence;
        if (pending.LastSequence <= published) return;
        if (pending.FirstSequence - 1 != published)
            throw new InvalidOperationException($"Batch {pending.Batch.BatchId} (changes {pending.FirstSequence} to {pending.LastSequence}) does not follow the last published change {published} in '{_databasePath}'; read pending changes again and publish what is returned.");
        Interlocked.Exchange(ref _published, pending.LastSequence);
        _boundaries.RemoveWhere(b => b <= pending.LastSequence);
    }

    /// <summary>
    /// Deletes change-log rows that were published, records how far in the database, and forgets dropped tables once all
    /// their changes are. Takes no lock when there is nothing to do; otherwise short write transactions of at most
    /// <see cref="CleanupChunk"/> rows each. Returns how many change-log rows were deleted.
    /// </summary>
    public async Task<int> CleanupPublishedAsync(CancellationToken cancellationToken)
    {
        var published = PublishedSequence;
        var deleted = 0;
        while (_cleanedThrough < published)
        {
            var through = Math.Min(published, _cleanedThrough + CleanupChunk);
            await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken, _logger).ConfigureAwait(false);
            // The greatest row stays: the next change is numbered after it, so numbers never go back below what was published.
            deleted += await _connection.ExecuteAsync($"DELETE FROM {Changes} WHERE seq > @after AND seq <= @through AND seq < (SELECT max(seq) FROM {Changes})",
                cancellationToken, ("@after", _cleanedThrough), ("@through", through)).ConfigureAwait(false);
            await _connection.ExecuteAsync($"UPDATE {Published} SET seq = @through", cancellationToken, ("@through", through)).ConfigureAwait(false);
            if (through == published) await ForgetDroppedTablesAsync(published, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _cleanedThrough = through;
        }
        return deleted;
    }

    /// <summary>The number of the last change captured.</summary>
    public Task<long> ReadLastChangeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ReadLastChange());
    }

    /// <summary>How many captured changes are not published yet.</summary>
    public Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Math.Max(0, ReadLastChange() - PublishedSequence));
    }

    public async ValueTask DisposeAsync()
    {
        _lastChange.Dispose();
        foreach (var statement in _readChanges.Values) statement.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ForgetDroppedTablesAsync(long published, CancellationToken cancellationToken)
    {
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
    }

    private long ReadLastChange()
    {
        try
        {
            return _lastChange.Step() ? _lastChange.GetInt64(0) : 0;
        }
        finally
        {
            _lastChange.Reset();
        }
    }

    /// <summary>The last change of the batch: the furthest known boundary within the limit, else the nearest one.</summary>
    private long ChooseBatchEnd(long published, long last, int maxChanges)
    {
        if (last - published <= maxChanges) return last;
        var limit = published + maxChanges;
        var within = _boundaries.GetViewBetween(published + 1, limit);
        if (within.Count > 0) return within.Max;
        var beyond = _boundaries.GetViewBetween(limit + 1, last);
        return beyond.Count > 0 ? beyond.Min : last;
    }

    /// <summary>
    /// What the reader takes from the installation, read again whenever the schema changed (every install changes it, as
    /// it rebuilds triggers): per generation, the table and what an upsert and a delete carry (a delete only the key), and
    /// the installation's node and capture ids. A new capture id means capture was removed and installed again: the log
    /// starts afresh, and so does what this reader knows of it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Capture was installed for another node id.</exception>
    private async Task<Dictionary<long, GenerationLayout>> RefreshAsync(CancellationToken cancellationToken)
    {
        var schemaVersion = await SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (_layouts is not null && schemaVersion == _layoutsSchemaVersion) return _layouts;
        var installedNode = await ReadMetaAsync(CaptureArtifactNames.MetaNodeIdKey, cancellationToken).ConfigureAwait(false);
        if (installedNode is not long node || node != NodeId)
            throw new InvalidOperationException($"Change capture in '{_databasePath}' was installed for node {installedNode ?? "(none)"}, but this reader publishes as node {NodeId}. Install capture with node id {NodeId} first, so the triggers stamp it on new changes.");
        var captureId = await ReadMetaAsync(CaptureArtifactNames.MetaCaptureIdKey, cancellationToken).ConfigureAwait(false) as string
            ?? throw new CaptureNotInstalledException(_databasePath);
        if (captureId != _captureId)
        {
            _captureId = captureId;
            _cleanedThrough = await _connection.ScalarInt64Async($"SELECT seq FROM {Published}", cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _published, _cleanedThrough);
            _boundaries.Clear();
        }
        var generations = await WatchedTableCatalog.ReadGenerationsAsync(_connection, cancellationToken).ConfigureAwait(false);
        _layouts = generations.ToDictionary(g => g.Key, g => GenerationLayout.Of(g.Value.Table, g.Value.Definition, g.Value.SchemaHash));
        _layoutsSchemaVersion = schemaVersion;
        return _layouts;
    }

    /// <summary>
    /// Reads the changes after <paramref name="after"/> up to <paramref name="through"/>, ending sooner when their values
    /// pass <paramref name="maxBytes"/>; returns where the batch ends, and whether that is inside a group of transactions.
    /// </summary>
    private (long Through, bool Cut) ReadChanges(Dictionary<long, GenerationLayout> layouts, long after, long through, long maxBytes,
        List<RowChange> changes)
    {
        // The log has a value column for every column of the widest generation: columns are only ever added.
        var width = layouts.Values.Select(g => g.All.Length).DefaultIfEmpty(0).Max();
        if (!_readChanges.TryGetValue(width, out var read))
        {
            var select = string.Join("", Enumerable.Range(0, width).Select(i => ", " + Q(CaptureSqlBuilder.ValueColumn(i))));
            read = SqliteStatement.Prepare(_connection, $"SELECT {CaptureSchema.ChangeLogHeaderColumns}{select} FROM {Changes} WHERE seq > ?1 AND seq <= ?2 ORDER BY seq");
            _readChanges[width] = read;
        }
        read.Bind(1, after);
        read.Bind(2, through);
        try
        {
            long bytes = 0;
            while (read.Step())
            {
                var change = ReadChange(read, layouts);
                var size = EstimatedSize(change);
                if (bytes + size > maxBytes && changes.Count > 0) return EndWithin(after, after + changes.Count, changes);
                bytes += size;
                changes.Add(change);
            }
            return (through, false);
        }
        finally
        {
            read.Reset();
        }
    }

    /// <summary>A batch that reached its byte budget at <paramref name="reached"/> ends at the last boundary before it, else there.</summary>
    private (long Through, bool Cut) EndWithin(long after, long reached, List<RowChange> changes)
    {
        var within = _boundaries.GetViewBetween(after + 1, reached);
        if (within.Count == 0) return (reached, true);
        changes.RemoveRange((int)(within.Max - after), changes.Count - (int)(within.Max - after));
        return (within.Max, false);
    }

    private RowChange ReadChange(SqliteStatement read, Dictionary<long, GenerationLayout> layouts)
    {
        if (!layouts.TryGetValue(read.GetInt64(1), out var layout))
            throw new InvalidDataException($"Change {read.GetInt64(0)} in the change log of '{_databasePath}' was captured under generation {read.GetInt64(1)}, which the capture catalog does not know. Remove capture and install it again.");
        var operation = (ChangeOperation)read.GetInt64(2);
        var carried = operation == ChangeOperation.Delete ? layout.Key : Carried(layout, read.IsNull(7) ? null : (string)read.GetValue(7)!);
        var columns = new ColumnValue[carried.Length];
        for (var i = 0; i < carried.Length; i++) columns[i] = new ColumnValue(carried[i].Name, read.GetValue(carried[i].Ordinal));
        return new RowChange(layout.Table, operation, new RowVersion(read.GetInt64(3), read.GetInt64(4)), columns)
        {
            Life = operation == ChangeOperation.Update && !read.IsNull(5) ? new RowVersion(read.GetInt64(5), read.GetInt64(6)) : null,
            SchemaHash = layout.SchemaHash,
        };
    }

    /// <summary>
    /// About how many bytes a change takes in a batch before compression, erring high: its names and values, and a
    /// generous allowance for the keys, versions and headers around them.
    /// </summary>
    private static long EstimatedSize(RowChange change)
    {
        long size = 96 + Encoding.UTF8.GetByteCount(change.Table) + (change.SchemaHash?.Length ?? 0);
        foreach (var column in change.Columns)
            size += 24 + Encoding.UTF8.GetByteCount(column.Name) + column.Value switch
            {
                string text => Encoding.UTF8.GetByteCount(text),
                byte[] blob => blob.Length,
                _ => 9,
            };
        return size;
    }

    /// <summary>The columns an update carries: those its mask marks (the key and the changed ones); all of them without a mask.</summary>
    private static (string Name, int Ordinal)[] Carried(GenerationLayout layout, string? mask)
    {
        if (mask is null) return layout.All;
        if (mask.Length != layout.All.Length)
            throw new InvalidDataException($"An update of table '{layout.Table}' in the change log has a mask of {mask.Length} columns for {layout.All.Length}; remove capture and install it again.");
        var carried = new List<(string, int)>(layout.Key.Length + 1);
        for (var i = 0; i < mask.Length; i++)
            if (mask[i] == '1') carried.Add(layout.All[i]);
        return [.. carried];
    }

    private async Task<object?> ReadMetaAsync(string key, CancellationToken cancellationToken) =>
        await _connection.ScalarAsync($"SELECT value FROM {Q(CaptureArtifactNames.Meta)} WHERE key = @key", cancellationToken, ("@key", key)).ConfigureAwait(false);

    private static string Q(string name) => SqliteIdentifier.Quote(name);

    private sealed record GenerationLayout(string Table, (string Name, int Ordinal)[] All, (string Name, int Ordinal)[] Key, string? SchemaHash)
    {
        public static GenerationLayout Of(string table, CaptureDefinition definition, string? schemaHash) => new(
            table,
            definition.Columns.Select((name, i) => (name, CaptureSchema.ChangeLogHeaderWidth + i)).ToArray(),
            definition.Key.Select(k => (k.Name, CaptureSchema.ChangeLogHeaderWidth + definition.IndexOfColumn(k.Name))).ToArray(),
            schemaHash);
    }
}
