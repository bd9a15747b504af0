using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// The consuming side: applies a replicated batch in one write transaction together with the stream position it came
/// from, resolving conflicts by last writer wins on the row versions.
/// </summary>
/// <remarks>
/// <para>Per change: the change's version is compared with the row's current version in the table's version table;
/// the greater <c>(hlc, node_id)</c> wins and the other is skipped, so every node ends with the same rows whatever the
/// order messages arrive in. Deletes leave a tombstone version, so an older upsert arriving later cannot resurrect the
/// row.</para>
/// <para>Capture triggers stay quiet during apply: the transaction first inserts a row into the silence table, which
/// every trigger checks, and deletes it before commit, so no other connection ever sees it set.</para>
/// <para>Schema differences: a change may lack columns (it was captured before a column was added; those columns keep
/// their value or default). A change with columns the local table lacks, or without a key column, is refused with
/// <see cref="ColumnMismatchException"/> rather than partly applied.</para>
/// <para>Not safe for concurrent use: one consuming loop owns one applier.</para>
/// </remarks>
public sealed class ChangeApplier : IAsyncDisposable
{
    private static readonly string Positions = SqliteIdentifier.Quote(CaptureArtifactNames.StreamPositions);
    private static readonly string Silence = SqliteIdentifier.Quote(CaptureArtifactNames.Silence);

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, ApplyTable> _tables = new(StringComparer.OrdinalIgnoreCase);
    private long _tablesSchemaVersion = -1;

    private ChangeApplier(SqliteConnection connection) => _connection = connection;

    public static async Task<ChangeApplier> OpenAsync(string databasePath, SqliteConnectionOptions? options, CancellationToken cancellationToken)
    {
        var connection = await SqliteConnectionFactory.OpenAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        try
        {
            await CaptureSchema.RequireInstalledAsync(connection, Path.GetFullPath(databasePath), cancellationToken).ConfigureAwait(false);
            return new ChangeApplier(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Applies <paramref name="batch"/>, received as message <paramref name="sequence"/> of <paramref name="stream"/>,
    /// and stores that position, all in one transaction. A position at or below the stored one for the stream means the
    /// message was applied before: nothing is done and <see cref="ApplyResult.AlreadyApplied"/> is returned. Acknowledge
    /// the message only after this returns.
    /// </summary>
    /// <exception cref="ChangeApplyException">The batch cannot be applied; nothing was written.</exception>
    public async Task<ApplyResult> ApplyAsync(ChangeBatch batch, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var position = ToPosition(sequence);
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (await ReadPositionAsync(stream, cancellationToken).ConfigureAwait(false) >= position) return ApplyResult.AlreadyApplied;
        var result = await ApplyChangesAsync(batch, stream, sequence, cancellationToken).ConfigureAwait(false);
        await WritePositionAsync(stream, position, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Applies a batch that was set aside (quarantined) while the stream position moved past it, in one transaction,
    /// leaving the position alone. Row versions decide as always, so changes that later ones superseded stay superseded.
    /// </summary>
    /// <exception cref="ChangeApplyException">The batch still cannot be applied; nothing was written.</exception>
    public async Task<ApplyResult> ReapplyAsync(ChangeBatch batch, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var result = await ApplyChangesAsync(batch, stream, sequence, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Merges the rows of another copy of the database (the rows of a snapshot) in one
    /// transaction: each row wins or loses against the local version like a replicated change, so rows written here
    /// since stay, and the result is what applying the messages behind the snapshot would have given. Then moves the
    /// position of <paramref name="stream"/> up to <paramref name="position"/> (never down). Other streams keep their
    /// position: their messages the snapshot already holds lose against equal versions when they arrive.
    /// </summary>
    /// <exception cref="ChangeApplyException">A row does not fit the local schema; nothing was written.</exception>
    public async Task<ApplyResult> MergeAsync(IAsyncEnumerable<RowChange> rows, string stream, ulong position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var merged = ToPosition(position);
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var result = await ApplyChangesAsync(rows, stream, position, cancellationToken).ConfigureAwait(false);
        if (await ReadPositionAsync(stream, cancellationToken).ConfigureAwait(false) < merged)
            await WritePositionAsync(stream, merged, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Advances the stream position without applying anything, for messages this node published itself (their changes
    /// are already here). Returns false when the position was already at or past <paramref name="sequence"/>.
    /// </summary>
    public async Task<bool> SkipAsync(string stream, ulong sequence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var position = ToPosition(sequence);
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (await ReadPositionAsync(stream, cancellationToken).ConfigureAwait(false) >= position) return false;
        await WritePositionAsync(stream, position, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The tables replicated here now: capture watches them and they were not dropped.</summary>
    public async Task<IReadOnlyList<string>> ReadReplicatedTablesAsync(CancellationToken cancellationToken) =>
        (await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false)).Values.Where(t => !t.Dropped).Select(t => t.Name).ToList();

    /// <summary>Every stored stream position: stream name to the last applied (or skipped) sequence.</summary>
    public Task<IReadOnlyDictionary<string, ulong>> GetPositionsAsync(CancellationToken cancellationToken) =>
        StreamPositionTable.ReadAllAsync(_connection, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await ClearTablesAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Applies every change of a batch inside the caller's transaction, with the capture triggers silenced.</summary>
    private Task<ApplyResult> ApplyChangesAsync(ChangeBatch batch, string stream, ulong sequence, CancellationToken cancellationToken) =>
        ApplyChangesAsync(Each(batch.Changes), stream, sequence, cancellationToken);

    /// <summary>Applies <paramref name="changes"/> inside the caller's transaction, with the capture triggers silenced.</summary>
    private async Task<ApplyResult> ApplyChangesAsync(IAsyncEnumerable<RowChange> changes, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        await RefreshTablesAsync(cancellationToken).ConfigureAwait(false);
        await _connection.ExecuteAsync($"INSERT INTO {Silence}(active) VALUES (1)", cancellationToken).ConfigureAwait(false);
        int applied = 0, superseded = 0;
        await foreach (var change in changes.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (await ApplyChangeAsync(change, stream, sequence, cancellationToken).ConfigureAwait(false)) applied++;
            else superseded++;
        }
        await _connection.ExecuteAsync($"DELETE FROM {Silence}", cancellationToken).ConfigureAwait(false);
        return new ApplyResult(ApplyOutcome.Applied, applied, superseded);
    }

    private static async IAsyncEnumerable<RowChange> Each(IReadOnlyList<RowChange> changes)
    {
        foreach (var change in changes) yield return change;
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Applies one change if it is newer than the row's version; returns false when it lost.</summary>
    private async Task<bool> ApplyChangeAsync(RowChange change, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        var table = await GetTableAsync(change.Table, stream, sequence, cancellationToken).ConfigureAwait(false);
        var columns = new List<string>(change.Columns.Count);
        var values = new List<object?>(change.Columns.Count);
        var unknown = new List<string>();
        foreach (var column in change.Columns)
        {
            if (!table.ColumnsByName.TryGetValue(column.Name, out var local)) unknown.Add(column.Name);
            else if (columns.Contains(local, StringComparer.OrdinalIgnoreCase)) unknown.Add($"{column.Name} (given twice)");
            else { columns.Add(local); values.Add(column.Value); }
        }
        var key = new List<object?>(table.Key.Count);
        var missingKey = new List<string>();
        foreach (var keyColumn in table.Key)
        {
            var index = columns.FindIndex(c => string.Equals(c, keyColumn.Name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) missingKey.Add(keyColumn.Name);
            else key.Add(values[index]);
        }
        if (unknown.Count > 0 || missingKey.Count > 0)
            throw new ColumnMismatchException(stream, sequence, change.Table, unknown, missingKey);

        try
        {
            var current = await table.ReadVersionAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is { } version && change.Version <= new RowVersion(version.Hlc, version.NodeId)) return false;
            if (change.Operation == ChangeOperation.Delete)
                await table.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            else
                await table.UpsertAsync(columns, values, cancellationToken).ConfigureAwait(false);
            await table.WriteVersionAsync(key, change.Version.Hlc, change.Version.NodeId, change.Operation == ChangeOperation.Delete, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SQLitePCL.raw.SQLITE_CONSTRAINT or SQLitePCL.raw.SQLITE_MISMATCH or SQLitePCL.raw.SQLITE_TOOBIG)
        {
            throw new ConstraintViolationException(stream, sequence, change.Table, ex);
        }
    }

    private async Task<ApplyTable> GetTableAsync(string name, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(name, out var table)) return table;
        var schema = await SqliteSchemaReader.ReadTableAsync(_connection, name, cancellationToken).ConfigureAwait(false);
        if (schema is null || CaptureArtifactNames.IsArtifact(name))
            throw new UnknownTableException(stream, sequence, name, $"table '{name}' does not exist in this database. Create it with the same schema as on the other nodes; the message is applied when it is retried.");
        var catalog = await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (!catalog.TryGetValue(name, out var watched) || watched.Dropped)
            throw new UnknownTableException(stream, sequence, name, $"table '{name}' is not replicated on this node: capture refused it or has not been installed for it yet (see the install report).");
        var current = CaptureDefinition.FromSchema(schema);
        if (!current.Key.SequenceEqual(watched.Definition.Key))
            throw new UnknownTableException(stream, sequence, name, $"the primary key of table '{name}' changed and capture has not been reinstalled for it yet; the node does that when it notices the schema change.");
        table = new ApplyTable(_connection, schema);
        _tables[name] = table;
        return table;
    }

    /// <summary>Prepared statements follow the schema: any schema change drops them.</summary>
    private async Task RefreshTablesAsync(CancellationToken cancellationToken)
    {
        var schemaVersion = await SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (schemaVersion == _tablesSchemaVersion) return;
        await ClearTablesAsync().ConfigureAwait(false);
        _tablesSchemaVersion = schemaVersion;
    }

    private async Task ClearTablesAsync()
    {
        foreach (var table in _tables.Values) await table.DisposeAsync().ConfigureAwait(false);
        _tables.Clear();
    }

    private async Task<long> ReadPositionAsync(string stream, CancellationToken cancellationToken) =>
        await _connection.ScalarAsync($"SELECT sequence FROM {Positions} WHERE stream = @stream", cancellationToken, ("@stream", stream)).ConfigureAwait(false) as long? ?? 0;

    private Task WritePositionAsync(string stream, long position, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync($"INSERT OR REPLACE INTO {Positions}(stream, sequence) VALUES (@stream, @sequence)", cancellationToken, ("@stream", stream), ("@sequence", position));

    private static long ToPosition(ulong sequence)
    {
        if (sequence is 0 or > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "A stream sequence starts at 1 and fits in 63 bits.");
        return (long)sequence;
    }
}
