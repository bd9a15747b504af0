using System.Net;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Saving, listing and restoring the snapshots of one node's database in the configured store (<c>snapshot.store</c>:
/// a NATS Object Store bucket, a directory, or an S3, WebDAV or SFTP folder). Saves and restores of one service run one
/// at a time.
/// </summary>
public sealed class SnapshotService : IAsyncDisposable
{
    private readonly HarmonyConfig _config;
    private readonly MessagingConnection? _ownedConnection;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    internal SnapshotService(HarmonyConfig config, ISnapshotStore store, MessagingConnection? connection, bool ownsConnection, ILoggerFactory loggerFactory, TimeProvider? clock = null)
    {
        _config = config;
        Store = store;
        Connection = connection;
        _ownedConnection = ownsConnection ? connection : null;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SnapshotService>();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Where snapshots are kept.</summary>
    public ISnapshotStore Store { get; }

    /// <summary>The NATS connection in use (shared or opened by this service); null for a file store opened without one.</summary>
    public MessagingConnection? Connection { get; }

    public string DatabasePath => _config.DbPath;

    /// <summary>Told how far each upload and download has come (a progress display); null for nobody.</summary>
    public IProgress<SnapshotTransfer>? Progress { get; set; }

    /// <summary>Opens the configured store; for the NATS store this connects to <c>nats.urls</c> (or the embedded server's fixed bind address).</summary>
    public static Task<SnapshotService> OpenAsync(HarmonyConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        OpenAsync(config, loggerFactory, null, cancellationToken);

    /// <summary>
    /// Opens the configured store. A running node passes its <paramref name="connection"/> (also needed for
    /// <see cref="CreateSchedulerAsync"/>, whatever the store); it stays the node's. Without one, the NATS store connects
    /// on its own and closes that connection on dispose.
    /// </summary>
    /// <exception cref="SnapshotStoreUnavailableException">No NATS server to connect to, or it did not answer.</exception>
    public static async Task<SnapshotService> OpenAsync(HarmonyConfig config, ILoggerFactory loggerFactory, MessagingConnection? connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<SnapshotService>();
        switch (config.Snapshot.Store)
        {
            case SnapshotStoreKind.File:
                return new SnapshotService(config, new FileSnapshotStore(config.Snapshot.File.Path), connection, ownsConnection: false, loggerFactory);
            case SnapshotStoreKind.Nats:
                var owns = connection is null;
                connection ??= await ConnectAsync(config, loggerFactory, cancellationToken).ConfigureAwait(false);
                try
                {
                    var store = await NatsSnapshotStore.OpenAsync(connection, config.Snapshot.Nats.Bucket, config.Snapshot.Nats.Replicas, logger, cancellationToken).ConfigureAwait(false);
                    return new SnapshotService(config, store, connection, owns, loggerFactory);
                }
                catch (Exception ex) when (owns)
                {
                    var server = connection.ServerUrl;
                    await connection.DisposeAsync().ConfigureAwait(false);
                    if (ex is MessagingException)
                        throw new SnapshotStoreUnavailableException($"Could not open the snapshot object store bucket {config.Snapshot.Nats.Bucket} on {server}: {ex.Message}", ex);
                    throw;
                }
            case var kind when Stores.RemoteSnapshotStores.IsRemote(kind):
                return new SnapshotService(config, await Stores.RemoteSnapshotStores.OpenAsync(config.Snapshot, logger, cancellationToken).ConfigureAwait(false), connection, ownsConnection: false, loggerFactory);
            default:
                throw new SnapshotStoreUnavailableException($"snapshot.store = \"{config.Snapshot.Store}\" is not supported; use \"nats\", \"file\", \"s3\", \"webdav\" or \"sftp\".");
        }
    }

    /// <summary>
    /// Saves a snapshot now: writes a consistent copy, uploads it, checks the stored copy (listed, size and digest),
    /// and only then deletes the oldest beyond <c>snapshot.keep</c>. Returns what was saved.
    /// </summary>
    /// <summary>
    /// Run before each save's copy by the running node that owns this service: it stores the stream positions its
    /// shards reached in memory (its own messages move them without a write), so the snapshot records them. Without
    /// it a snapshot records positions up to a few seconds old, and may be too old to help a node that fell behind.
    /// </summary>
    public Func<CancellationToken, Task>? StorePositions { get; set; }

    public async Task<SnapshotMetadata> SaveAsync(CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (StorePositions is { } storePositions) await storePositions(cancellationToken).ConfigureAwait(false);
            var steps = new SnapshotSteps(_clock);
            await using var file = await SnapshotWriter.WriteAsync(_config.DbPath, _config.NodeId, steps, cancellationToken).ConfigureAwait(false);
            var metadata = file.Metadata;
            var placement = await Store.PutFileAsync(metadata, file.Path, Progress, cancellationToken).ConfigureAwait(false);
            steps.Done("store");
            // A file renamed into place is the very file just hashed: reading it back would prove nothing new.
            if (placement == SnapshotFilePlacement.Renamed) steps.Note("renamed into place, not read back");
            else
            {
                await Store.VerifyAsync(metadata, cancellationToken).ConfigureAwait(false);
                steps.Done("verify");
            }
            var listed = await Store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (!listed.Any(m => m.Id == metadata.Id))
                throw new SnapshotIntegrityException($"Snapshot {metadata.Id} was stored in the {Store.Description} but is not listed there; it is not usable. Save again.");
            _logger.LogInformation("Saved snapshot {Id} of {Database} to the {Store}: {Size} bytes in {Elapsed} ({Steps}), positions {Positions}.",
                metadata.Id, DatabasePath, Store.Description, metadata.Size, steps.Elapsed, steps, FormatPositions(metadata.Positions));
            await PruneAsync(listed, metadata.Id, cancellationToken).ConfigureAwait(false);
            return metadata;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    /// <summary>Every complete snapshot in the store, newest first.</summary>
    public Task<IReadOnlyList<SnapshotMetadata>> ListAsync(CancellationToken cancellationToken) => Store.ListAsync(cancellationToken);

    /// <summary>
    /// Replaces the database with snapshot <paramref name="id"/> (the newest when null): downloads it next to the
    /// database, verifies size, SHA-256 and <c>PRAGMA integrity_check</c>, swaps the files, and installs capture for this
    /// node. A damaged snapshot leaves the database untouched. The stream positions now come from the restored file.
    /// </summary>
    /// <exception cref="SnapshotNotFoundException">No such snapshot (or none at all).</exception>
    /// <exception cref="SnapshotIntegrityException">The snapshot is damaged; nothing was changed.</exception>
    /// <exception cref="DatabaseInUseException">Another process (or a connection of this one) holds the database open.</exception>
    public async Task<SnapshotMetadata> RestoreAsync(string? id, CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var database = DatabasePath;
            if (DatabaseFileSwap.RecoverInterrupted(database) is { } recovered) _logger.LogWarning("{Recovered}", recovered);
            var available = await Store.ListAsync(cancellationToken).ConfigureAwait(false);
            var metadata = id is null
                ? available.FirstOrDefault() ?? throw SnapshotNotFoundException.NoneIn(Store.Description)
                : available.FirstOrDefault(m => m.Id == id) ?? throw new SnapshotNotFoundException(id, Store.Description);
            var holders = DatabaseFileGuard.FindHolders(database);
            if (holders.Count > 0) throw new DatabaseInUseException(database, holders);

            Directory.CreateDirectory(Path.GetDirectoryName(database)!);
            var steps = new SnapshotSteps(_clock);
            var download = await DownloadVerifiedAsync(metadata, steps, cancellationToken).ConfigureAwait(false);
            try
            {
                await WarnAboutUnpublishedChangesAsync(database, metadata, cancellationToken).ConfigureAwait(false);
                DatabaseFileSwap.Replace(database, download);
            }
            finally
            {
                TemporaryFiles.Delete(download);
            }

            await using (var installer = await CaptureInstaller.OpenAsync(database, _config.NodeId, null, cancellationToken).ConfigureAwait(false))
            {
                var report = await installer.InstallAsync(cancellationToken).ConfigureAwait(false);
                foreach (var refused in report.Tables.Where(t => t.Outcome == TableCaptureOutcome.Refused))
                    _logger.LogWarning("Restored table {Table} is not replicated: {Refusal}", refused.Table, refused.Refusal?.Message);
            }
            _logger.LogInformation("Restored snapshot {Id} (node {Node}, {CreatedAt:u}) into {Database} in {Elapsed} ({Steps}); "
                + "consuming resumes from positions {Positions}.",
                metadata.Id, metadata.NodeId, metadata.CreatedAt.UtcDateTime, database, steps.Elapsed, steps, FormatPositions(metadata.Positions));
            return metadata;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    /// <summary>
    /// Brings a running node past messages <paramref name="stream"/> dropped before the node applied them, without
    /// replacing the file (applications may keep it open): downloads the newest snapshot that holds the stream at least
    /// up to <paramref name="through"/>, verifies it, and merges its rows through <paramref name="applier"/> (see
    /// <see cref="ChangeApplier.MergeAsync"/>). A damaged snapshot is passed over for the next one. Returns the snapshot
    /// merged (the stream's position is now its position), or null when no usable snapshot holds the stream that far.
    /// </summary>
    public async Task<SnapshotMetadata?> MergeAsync(ChangeApplier applier, string stream, ulong through, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applier);
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var available = await Store.ListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var metadata in available.Where(m => m.Positions.GetValueOrDefault(stream) >= through))
            {
                string download;
                try
                {
                    download = await DownloadVerifiedAsync(metadata, new SnapshotSteps(_clock), cancellationToken).ConfigureAwait(false);
                }
                catch (SnapshotIntegrityException ex)
                {
                    _logger.LogError("Passed over snapshot {Id}: {Error}", metadata.Id, ex.Message);
                    continue;
                }
                try
                {
                    var tables = await applier.ReadReplicatedTablesAsync(cancellationToken).ConfigureAwait(false);
                    var result = await applier.MergeAsync(SnapshotRows.ReadAsync(download, tables, cancellationToken), stream, metadata.Positions[stream], cancellationToken).ConfigureAwait(false);
                    _logger.LogInformation("Merged snapshot {Id} (node {Node}, {CreatedAt:u}) into {Database}: {Applied} rows taken, {Kept} kept as they were newer or equal here; {Stream} resumes after {Position}.",
                        metadata.Id, metadata.NodeId, metadata.CreatedAt.UtcDateTime, DatabasePath, result.AppliedChanges, result.SupersededChanges, stream, metadata.Positions[stream]);
                    return metadata;
                }
                finally
                {
                    TemporaryFiles.Delete(download);
                }
            }
            return null;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    /// <summary>
    /// Decides whether the node must restore before consuming (see <see cref="RestorePlanner"/>), given what each shard
    /// stream holds now. Call <see cref="RestoreAsync"/> with the plan's snapshot id when <see cref="RestorePlan.RestoreNeeded"/>.
    /// </summary>
    /// <exception cref="ReplicationLogTruncatedException">A restore is required and no snapshot can provide it.</exception>
    /// <param name="refused">Ids of snapshots that turned out damaged: planned as if they were not in the store.</param>
    public async Task<RestorePlan> PlanRestoreAsync(IReadOnlyList<StreamRange> streams, IReadOnlyCollection<string> refused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refused);
        var available = (await Store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(s => !refused.Contains(s.Id)).ToList();
        return await RestorePlanner.PlanAsync(_config.DbPath, streams, available, Store.Description, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The background saver for a running node: opens the lease bucket (<see cref="SnapshotLease.BucketName"/> of the
    /// stream prefix, TTL <c>snapshot.leader_ttl</c>) on this service's NATS connection and returns a scheduler that owns
    /// the lease. Start it with <see cref="SnapshotScheduler.RunAsync"/>; dispose it to release the lease.
    /// </summary>
    /// <param name="readLastSequences">The last sequence of every shard stream now (stream name to sequence).</param>
    public async Task<SnapshotScheduler> CreateSchedulerAsync(Func<CancellationToken, Task<IReadOnlyDictionary<string, ulong>>> readLastSequences, CancellationToken cancellationToken)
    {
        var connection = Connection ?? throw new InvalidOperationException("The snapshot lease lives in NATS: open the snapshot service with the node's NATS connection to schedule snapshots.");
        var lease = await SnapshotLease.OpenAsync(connection, SnapshotLease.BucketName(_config.Nats.StreamPrefix), _config.NodeId,
            _config.Snapshot.LeaderTtl, _config.ReplicationLog.Replicas, _loggerFactory.CreateLogger<SnapshotLease>(), _clock, cancellationToken).ConfigureAwait(false);
        return new SnapshotScheduler(this, lease, SnapshotScheduleOptions.From(_config), readLastSequences, _loggerFactory.CreateLogger<SnapshotScheduler>(), _clock);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        if (_ownedConnection is not null) await _ownedConnection.DisposeAsync().ConfigureAwait(false);
        _exclusive.Dispose();
    }

    /// <summary>Where the NATS store connects without a node's connection (see <see cref="MessagingConnector.NodeServerUrls"/>).</summary>
    internal static IReadOnlyList<string> ServerUrls(HarmonyConfig config)
    {
        try { return MessagingConnector.NodeServerUrls(config); }
        catch (MessagingException ex) { throw Unavailable(config, ex); }
    }

    private static async Task<MessagingConnection> ConnectAsync(HarmonyConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        try { return await MessagingConnector.ConnectToNodeAsync(config, loggerFactory, cancellationToken).ConfigureAwait(false); }
        catch (MessagingException ex) { throw Unavailable(config, ex); }
    }

    private static SnapshotStoreUnavailableException Unavailable(HarmonyConfig config, MessagingException ex) =>
        new($"Cannot reach the snapshot object store bucket {config.Snapshot.Nats.Bucket}: {ex.Message} Or use snapshot.store = \"file\".", ex);

    private async Task PruneAsync(IReadOnlyList<SnapshotMetadata> newestFirst, string justSaved, CancellationToken cancellationToken)
    {
        var keep = Math.Max(1, _config.Snapshot.Keep);
        foreach (var old in newestFirst.Where(m => m.Id != justSaved).Skip(keep - 1))
        {
            try
            {
                await Store.DeleteAsync(old.Id, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Deleted snapshot {Id} from the {Store} (snapshot.keep = {Keep}).", old.Id, Store.Description, keep);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MessagingException or SnapshotStoreUnavailableException)
            {
                _logger.LogWarning("Could not delete old snapshot {Id} from the {Store}: {Error}. It is retried after the next snapshot.", old.Id, Store.Description, ex.Message);
            }
        }
    }

    /// <summary>
    /// Downloads <paramref name="metadata"/>'s snapshot next to the database and checks its SHA-256 and
    /// <c>PRAGMA integrity_check</c>; returns the file, which the caller deletes (<see cref="TemporaryFiles.Delete"/>).
    /// </summary>
    /// <exception cref="SnapshotIntegrityException">The snapshot is damaged; nothing is left behind.</exception>
    private async Task<string> DownloadVerifiedAsync(SnapshotMetadata metadata, SnapshotSteps steps, CancellationToken cancellationToken)
    {
        var download = TemporaryFiles.Download(DatabasePath);
        try
        {
            SnapshotDigest digest;
            await using (var file = new FileStream(download, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await using var hashing = new HashingWriteStream(file);
                await using var observed = TransferProgressStream.Observe(hashing, Progress, metadata, SnapshotTransferDirection.Download);
                await Store.DownloadAsync(metadata.Id, observed, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                digest = hashing.Digest();
            }
            digest.Verify(metadata, $"downloaded from the {Store.Description}");
            steps.Done("download and hash");
            await CheckIntegrityAsync(download, metadata, cancellationToken).ConfigureAwait(false);
            steps.Done("integrity check");
            return download;
        }
        catch
        {
            TemporaryFiles.Delete(download);
            throw;
        }
    }

    private static async Task CheckIntegrityAsync(string path, SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            await using var connection = await SqliteConnectionFactory.OpenAsIsAsync(path, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
            await Task.Run(() =>
            {
                using var interrupt = cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check";
                using var reader = command.ExecuteReader();
                while (reader.Read()) problems.Add(reader.GetString(0));
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} is not a readable SQLite database ({ex.Message}). Nothing was changed; use another snapshot or save a new one on a healthy node.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (problems is not ["ok"])
            throw new SnapshotIntegrityException($"Snapshot {metadata.Id} fails PRAGMA integrity_check: {string.Join("; ", problems.Take(5))}. Nothing was changed; use another snapshot or save a new one on a healthy node.");
    }

    private async Task WarnAboutUnpublishedChangesAsync(string database, SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        if (!File.Exists(database)) return;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var unpublished = await CaptureLocalState.CountUnpublishedAsync(connection, cancellationToken).ConfigureAwait(false);
        if (unpublished > 0)
            _logger.LogWarning("Restoring snapshot {Id} discards {Count} local changes of {Database} that were never published.", metadata.Id, unpublished, database);
    }

    private static string FormatPositions(IReadOnlyDictionary<string, ulong> positions) =>
        positions.Count == 0 ? "(none)" : string.Join(", ", positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
