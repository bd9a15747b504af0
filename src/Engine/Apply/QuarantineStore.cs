using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// The quarantine table in the database: messages that failed to apply after retries, kept with their error so that
/// replication of the rest goes on and an operator can see, retry or discard them. Not safe for concurrent use.
/// </summary>
public sealed class QuarantineStore : IAsyncDisposable
{
    private static readonly string Table = SqliteIdentifier.Quote(CaptureArtifactNames.Quarantine);
    private const string Columns = "id, stream, sequence, message, error, attempts, quarantined_at";

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _clock;

    private QuarantineStore(SqliteConnection connection, TimeProvider clock)
    {
        _connection = connection;
        _clock = clock;
    }

    public static async Task<QuarantineStore> OpenAsync(string databasePath, SqliteConnectionOptions? options, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        var connection = await CaptureSchema.OpenInstalledAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        return new QuarantineStore(connection, clock ?? TimeProvider.System);
    }

    /// <summary>
    /// Sets a message aside. Quarantining the same stream position again replaces the entry (newer error, attempts,
    /// time) and keeps its id. Returns the entry's id.
    /// </summary>
    public async Task<long> AddAsync(string stream, ulong sequence, ReadOnlyMemory<byte> message, string error, int attempts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(error);
        if (sequence > long.MaxValue) throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "A stream sequence fits in 63 bits.");
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var id = await _connection.ScalarInt64Async(
            $"INSERT INTO {Table}(stream, sequence, message, error, attempts, quarantined_at) VALUES (@stream, @sequence, @message, @error, @attempts, @at) "
            + "ON CONFLICT(stream, sequence) DO UPDATE SET message = excluded.message, error = excluded.error, attempts = excluded.attempts, quarantined_at = excluded.quarantined_at "
            + "RETURNING id",
            cancellationToken,
            ("@stream", stream), ("@sequence", (long)sequence), ("@message", message.ToArray()), ("@error", error),
            ("@attempts", (long)attempts), ("@at", _clock.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Quarantined messages, oldest position first per stream; at most <paramref name="limit"/> when given.</summary>
    public async Task<IReadOnlyList<QuarantinedMessage>> ListAsync(int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
        await using var command = _connection.CreateCommand($"SELECT {Columns} FROM {Table} ORDER BY stream, sequence LIMIT @limit", ("@limit", (long)(limit ?? -1)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var messages = new List<QuarantinedMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(new QuarantinedMessage(
                reader.GetInt64(0), reader.GetString(1), (ulong)reader.GetInt64(2), (byte[])reader.GetValue(3), reader.GetString(4),
                (int)reader.GetInt64(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }
        return messages;
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        _connection.ScalarInt64Async($"SELECT count(*) FROM {Table}", cancellationToken);

    /// <summary>Removes an entry (after it was applied again, or an operator discarded it). Returns false when there was none.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken).ConfigureAwait(false);
        var deleted = await _connection.ExecuteAsync($"DELETE FROM {Table} WHERE id = @id", cancellationToken, ("@id", id)).ConfigureAwait(false) == 1;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>
    /// SQLite's count of schema changes in this database (PRAGMA schema_version): a change is what usually cures a
    /// quarantined message (the missing table or column was added).
    /// </summary>
    public Task<long> ReadSchemaVersionAsync(CancellationToken cancellationToken) =>
        SqliteSchemaReader.ReadSchemaVersionAsync(_connection, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
