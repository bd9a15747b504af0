using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Apply;

/// <summary>
/// Deletes the version rows of deleted rows (tombstones) older than the retention, so a database under delete-heavy
/// load stops growing. A tombstone is what outvotes an older change of its row arriving late; the caller purges only
/// when the node has applied everything the streams hold, so what could still arrive is a change captured before the
/// retention and published since: docs/architecture.md ("Conflicts") says what that means.
/// </summary>
/// <remarks>
/// Version rows that only hold changes of a life whose insert never came (placeholders) are tombstones too, and go
/// the same way once every change they hold is older than the retention. Deletes run in short write transactions of
/// <see cref="Chunk"/> rows, so an application waiting for the write lock gets it back between them.
/// </remarks>
public sealed class TombstonePurger : IAsyncDisposable
{
    /// <summary>Version rows deleted per write transaction.</summary>
    public const int Chunk = 1_000;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _clock;
    private readonly ILogger? _logger;

    private TombstonePurger(SqliteConnection connection, TimeProvider clock, ILogger? logger)
    {
        _connection = connection;
        _clock = clock;
        _logger = logger;
    }

    /// <param name="clock">The clock the retention is measured by; the system clock when null.</param>
    public static async Task<TombstonePurger> OpenAsync(string databasePath, CancellationToken cancellationToken, TimeProvider? clock = null,
        ILogger? logger = null, SqliteConnectionOptions? options = null)
    {
        var connection = await CaptureSchema.OpenInstalledAsync(databasePath, options, cancellationToken).ConfigureAwait(false);
        return new TombstonePurger(connection, clock ?? TimeProvider.System, logger);
    }

    /// <summary>Deletes every tombstone whose greatest version is older than <paramref name="retention"/>; returns how many.</summary>
    public async Task<long> PurgeAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        var cutoff = RowVersion.ClockValueAt(_clock.GetUtcNow() - retention);
        long purged = 0;
        foreach (var table in (await WatchedTableCatalog.ReadAllAsync(_connection, cancellationToken).ConfigureAwait(false)).Values.Where(t => !t.Dropped))
        {
            var versions = SqliteIdentifier.Quote(CaptureArtifactNames.Versions(table.Name));
            var key = string.Join(", ", table.Definition.Key.Select((_, i) => SqliteIdentifier.Quote(CaptureSqlBuilder.VersionKeyColumn(i))));
            // A row value IN a limited select: deletes at most one chunk without SQLite's optional DELETE ... LIMIT.
            var sql = $"DELETE FROM {versions} WHERE ({key}) IN (SELECT {key} FROM {versions} WHERE tombstone = 1 AND hlc < @cutoff LIMIT {Chunk})";
            int deleted;
            do
            {
                await using var transaction = await SqliteTransactionScope.BeginWriteAsync(_connection, cancellationToken, _logger).ConfigureAwait(false);
                deleted = await _connection.ExecuteAsync(sql, cancellationToken, ("@cutoff", cutoff)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                purged += deleted;
            }
            while (deleted == Chunk);
        }
        return purged;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
