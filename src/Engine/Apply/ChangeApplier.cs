using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// The consuming side: applies a replicated batch in one write transaction together with the stream position it came
/// from, merging each change into its row column by column (docs/architecture.md, "Conflicts").
/// </summary>
/// <remarks>
/// <para>Per change: the row's version row says which life the row is in and which version each column has; the
/// change wins per column where its version is greater, a delete ends the life it belongs to, a newer insert begins a
/// new one (see <see cref="ApplyTable"/>). Every node ends with the same rows whatever the order messages arrive in.
/// A version further ahead of this node's clock than <see cref="RowVersion.MaxClockSkew"/> is refused.</para>
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
    private readonly TimeProvider _clock;
    private readonly ILogger? _logger;
    private readonly SqliteStatement _readPosition;
    private readonly SqliteStatement _writePosition;
    private readonly SqliteStatement _silence;
    private readonly SqliteStatement _unsilence;
    private readonly Dictionary<string, ApplyTable> _tables = new(StringComparer.OrdinalIgnoreCase);
    private long _tablesSchemaVersion = -1;

    private ChangeApplier(SqliteConnection connection, TimeProvider clock, ILogger? logger)
    {
        _connection = connection;
        _clock = clock;
        _logger = logger;
        _readPosition = SqliteStatement.Prepare(connection, $"SELECT sequence FROM {Positions} WHERE stream = ?1");
        _writePosition = SqliteStatement.Prepare(connection, $"INSERT OR REPLACE INTO {Positions}(stream, sequence) VALUES (?1, ?2)");
        _silence = SqliteStatement.Prepare(connection, $"INSERT INTO {Silence}(active) VALUES (1)");
        _unsilence = SqliteStatement.Prepare(connection, $"DELETE FROM {Silence}");
    }

    /// <param name="clock">The clock versions are checked against (<see cref="RowVersion.MaxClockSkew"/>); the system clock when null.</param>
    /// <param name="logger">Where a long wait for an application's write lock is reported.</param>
    public static async Task<ChangeApplier> OpenAsync(string databasePath, SqliteConnectionOptions? options, CancellationToken cancellationToken,
        TimeProvider? clock = null, ILogger? logger = null)
    {
        var connection = await CaptureSchema.OpenInstalledAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        return new ChangeApplier(connection, clock ?? TimeProvider.System, logger);
    }

    /// <summary>
    /// Applies <paramref name="batch"/>, received as message <paramref name="sequence"/> of <paramref name="stream"/>,
    /// and stores that position, all in one transaction. A position at or below the stored one for the stream means the
    /// message was applied before: nothing is done and <see cref="ApplyResult.AlreadyApplied"/> is returned. Acknowledge
    /// the message only after this returns. Waits as long as an application holds the write lock.
    /// </summary>
    /// <exception cref="ChangeApplyException">The batch cannot be applied; nothing was written.</exception>
    public async Task<ApplyResult> ApplyAsync(ChangeBatch batch, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var position = ToPosition(sequence);
        await using var transaction = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (ReadPosition(stream) >= position) return ApplyResult.AlreadyApplied;
        var result = await ApplyChangesAsync(batch.Changes, stream, sequence, cancellationToken).ConfigureAwait(false);
        WritePosition(stream, position);
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
        await using var transaction = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var result = await ApplyChangesAsync(batch.Changes, stream, sequence, cancellationToken).ConfigureAwait(false);
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
        await using var transaction = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var result = await ApplyChangesAsync(rows, stream, position, cancellationToken).ConfigureAwait(false);
        if (ReadPosition(stream) < merged) WritePosition(stream, merged);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Moves the stored stream position up to <paramref name="sequence"/> without applying anything: for messages whose
    /// changes are here already, and for quarantined ones. Returns false when the position was already at or past it.
    /// </summary>
    public async Task<bool> SkipAsync(string stream, ulong sequence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var position = ToPosition(sequence);
        await using var transaction = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (ReadPosition(stream) >= position) return false;
        WritePosition(stream, position);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Whether applying <paramref name="batch"/> would change nothing here: every change is at or below the version the
    /// row has. Reads only, so it takes no write lock; versions here only ever grow, so the answer stays true. A node's
    /// own messages are such batches: checking them costs no write transaction.
    /// </summary>
    public async Task<bool> IsSupersededAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var transaction = await SqliteTransactionScope.BeginReadAsync(_connection, cancellationToken).ConfigureAwait(false);
        await RefreshTablesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var change in batch.Changes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await FindTableAsync(change.Table, cancellationToken).ConfigureAwait(false) is not { } table) return false;
            ApplyTable.ColumnLayout layout;
            try
            {
                layout = table.LayoutOf(change.Columns, "", 0);
            }
            catch (ColumnMismatchException)
            {
                return false; // applying says why
            }
            if (!table.KnowsSchema(change.SchemaHash) || table.WouldChange(change, layout)) return false;
        }
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
        ClearTables();
        _readPosition.Dispose();
        _writePosition.Dispose();
        _silence.Dispose();
        _unsilence.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task<SqliteTransactionScope> BeginWriteAsync(CancellationToken cancellationToken) =>
        SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken, _logger);

    /// <summary>Applies <paramref name="changes"/> inside the caller's transaction, with the capture triggers silenced.</summary>
    private async Task<ApplyResult> ApplyChangesAsync(IReadOnlyList<RowChange> changes, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        var latestAccepted = await BeginApplyAsync(cancellationToken).ConfigureAwait(false);
        int applied = 0, superseded = 0;
        foreach (var change in changes)
        {
            if (await ApplyOneAsync(change, latestAccepted, stream, sequence, cancellationToken).ConfigureAwait(false)) applied++;
            else superseded++;
        }
        _unsilence.Execute();
        return new ApplyResult(ApplyOutcome.Applied, applied, superseded);
    }

    /// <inheritdoc cref="ApplyChangesAsync(IReadOnlyList{RowChange}, string, ulong, CancellationToken)"/>
    private async Task<ApplyResult> ApplyChangesAsync(IAsyncEnumerable<RowChange> changes, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        var latestAccepted = await BeginApplyAsync(cancellationToken).ConfigureAwait(false);
        int applied = 0, superseded = 0;
        await foreach (var change in changes.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (await ApplyOneAsync(change, latestAccepted, stream, sequence, cancellationToken).ConfigureAwait(false)) applied++;
            else superseded++;
        }
        _unsilence.Execute();
        return new ApplyResult(ApplyOutcome.Applied, applied, superseded);
    }

    /// <summary>Silences capture; returns the greatest clock value a change may carry now.</summary>
    private async Task<long> BeginApplyAsync(CancellationToken cancellationToken)
    {
        await RefreshTablesAsync(cancellationToken).ConfigureAwait(false);
        _silence.Execute();
        return RowVersion.ClockValueAt(_clock.GetUtcNow() + RowVersion.MaxClockSkew);
    }

    private ValueTask<bool> ApplyOneAsync(RowChange change, long latestAccepted, string stream, ulong sequence, CancellationToken cancellationToken)
    {
        if (change.Version.Hlc > latestAccepted)
            throw new VersionAheadOfClockException(stream, sequence, change.Table, change.Version, _clock.GetUtcNow());
        return _tables.TryGetValue(change.Table, out var table)
            ? ValueTask.FromResult(ApplyChange(table, change, stream, sequence))
            : ApplyWithNewTableAsync();

        async ValueTask<bool> ApplyWithNewTableAsync() =>
            ApplyChange(await GetTableAsync(change.Table, stream, sequence, cancellationToken).ConfigureAwait(false), change, stream, sequence);
    }

    /// <summary>Applies one change, merged with what the row has; returns false when it changed nothing.</summary>
    /// <exception cref="SchemaMismatchException">The change was captured under a schema of the table this node never had.</exception>
    private static bool ApplyChange(ApplyTable table, RowChange change, string stream, ulong sequence)
    {
        if (!table.KnowsSchema(change.SchemaHash)) throw new SchemaMismatchException(stream, sequence, change.Table, change.SchemaHash!, table.SchemaHash);
        var layout = table.LayoutOf(change.Columns, stream, sequence);
        try
        {
            return table.Apply(change, layout);
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
        if (current.ToJson() != watched.Definition.ToJson())
            throw new UnknownTableException(stream, sequence, name, $"the columns or primary key of table '{name}' changed and capture has not been reinstalled for it yet; the node does that when it notices the schema change.");
        table = new ApplyTable(_connection, schema, TableSchemaHash.Of(schema),
            await WatchedTableCatalog.ReadSchemaHashesAsync(_connection, name, cancellationToken).ConfigureAwait(false));
        _tables[name] = table;
        return table;
    }

    /// <summary>The table's apply statements, or null when it cannot be applied to here (applying says why).</summary>
    private async Task<ApplyTable?> FindTableAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await GetTableAsync(name, "", 0, cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownTableException)
        {
            return null;
        }
    }

    /// <summary>Prepared statements follow the schema: any schema change drops them.</summary>
    private async Task RefreshTablesAsync(CancellationToken cancellationToken)
    {
        var schemaVersion = await SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken).ConfigureAwait(false);
        if (schemaVersion == _tablesSchemaVersion) return;
        ClearTables();
        _tablesSchemaVersion = schemaVersion;
    }

    private void ClearTables()
    {
        foreach (var table in _tables.Values) table.Dispose();
        _tables.Clear();
    }

    private long ReadPosition(string stream)
    {
        _readPosition.Bind(1, stream);
        try
        {
            return _readPosition.Step() ? _readPosition.GetInt64(0) : 0;
        }
        finally
        {
            _readPosition.Reset();
        }
    }

    private void WritePosition(string stream, long position)
    {
        _writePosition.Bind(1, stream);
        _writePosition.Bind(2, position);
        _writePosition.Execute();
    }

    private static long ToPosition(ulong sequence)
    {
        if (sequence is 0 or > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "A stream sequence starts at 1 and fits in 63 bits.");
        return (long)sequence;
    }
}
