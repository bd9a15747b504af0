using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Replication;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class RestorePlannerTests : IDisposable
{
    private const string Schema = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);";
    private const string StreamA = "changes-1";
    private const string StreamB = "changes-2";
    private const string Store = "snapshot directory /backups";
    private readonly TempDirectory _directory = new("harmonylite-restore-plan");

    private static SnapshotMetadata Snapshot(string id, ulong a, ulong b) => new()
    {
        Id = id,
        NodeId = 3,
        CreatedAt = DateTimeOffset.Parse("2026-02-03T04:05:06Z"),
        Positions = new Dictionary<string, ulong> { [StreamA] = a, [StreamB] = b },
        SchemaHash = "hash",
        Size = 1,
        Sha256 = new string('0', 64),
    };

    private static readonly SnapshotMetadata Newest = Snapshot("20260203T040506.000Z-3", 50, 60);
    private static readonly SnapshotMetadata Older = Snapshot("20260101T000000.000Z-3", 10, 10);

    private static IReadOnlyList<StreamRange> Streams(ulong firstA, ulong firstB) => [new(StreamA, firstA, 100), new(StreamB, firstB, 100)];

    /// <summary>A node database with capture, optionally rows, applied positions and unpublished local changes.</summary>
    private async Task<string> DatabaseAsync(bool rows, ulong positionA = 0, ulong positionB = 0, bool unpublished = false)
    {
        var path = _directory.File($"node-{Guid.NewGuid():N}.db");
        await SqliteCli.RunAsync(path, Schema);
        await using (var installer = await CaptureInstaller.OpenAsync(path, 1, null, CancellationToken.None))
            await installer.InstallAsync(CancellationToken.None);
        await using (var applier = await ChangeApplier.OpenAsync(path, null, CancellationToken.None))
        {
            // Applying a delete of a row that never existed moves the position without leaving a row.
            var nothing = new ChangeBatch(2, "2-x", [new RowChange("t", ChangeOperation.Delete, new RowVersion(1, 2), [new ColumnValue("id", -1L)])]);
            if (positionA > 0) await applier.ApplyAsync(nothing, StreamA, positionA, CancellationToken.None);
            if (positionB > 0) await applier.ApplyAsync(nothing, StreamB, positionB, CancellationToken.None);
        }
        if (rows)
        {
            await SqliteCli.RunAsync(path, "INSERT INTO t VALUES (1, 'a'), (2, 'b');");
            if (!unpublished)
            {
                await using var reader = await ChangeReader.OpenAsync(path, 1, null, CancellationToken.None);
                while (await reader.ReadPendingAsync(100, CancellationToken.None) is { } pending) reader.MarkPublished(pending);
                await reader.CleanupPublishedAsync(CancellationToken.None);
            }
        }
        return path;
    }

    private static Task<RestorePlan> PlanAsync(string path, IReadOnlyList<StreamRange> streams, params SnapshotMetadata[] snapshots) =>
        RestorePlanner.PlanAsync(path, streams, snapshots, Store, CancellationToken.None);

    [Fact]
    public async Task A_node_within_the_streams_catches_up_without_a_restore()
    {
        var path = await DatabaseAsync(rows: true, positionA: 20, positionB: 30);
        var plan = await PlanAsync(path, Streams(21, 5), Newest, Older);
        Assert.False(plan.RestoreNeeded);
        Assert.Equal(RestoreReason.None, plan.Reason);
    }

    [Fact]
    public async Task A_missing_database_restores_the_newest_snapshot()
    {
        var plan = await PlanAsync(_directory.File("absent.db"), Streams(1, 1), Newest, Older);
        Assert.Equal(RestoreReason.DatabaseMissing, plan.Reason);
        Assert.Same(Newest, plan.Snapshot);
        Assert.Contains("does not exist", plan.Explanation);
    }

    [Fact]
    public async Task A_missing_database_without_snapshots_catches_up_while_the_streams_are_whole()
    {
        var plan = await PlanAsync(_directory.File("absent.db"), Streams(1, 0));
        Assert.False(plan.RestoreNeeded);
        Assert.Equal(RestoreReason.DatabaseMissing, plan.Reason);
        Assert.Contains("no snapshot exists", plan.Explanation);
    }

    [Fact]
    public async Task An_empty_schema_copy_restores_the_newest_snapshot()
    {
        var path = await DatabaseAsync(rows: false);
        var plan = await PlanAsync(path, Streams(1, 1), Newest);
        Assert.Equal(RestoreReason.DatabaseEmpty, plan.Reason);
        Assert.Same(Newest, plan.Snapshot);
    }

    [Fact]
    public async Task An_empty_database_without_snapshots_catches_up_from_streams_that_start_at_one()
    {
        var path = await DatabaseAsync(rows: false);
        var plan = await PlanAsync(path, Streams(1, 1));
        Assert.False(plan.RestoreNeeded);
        Assert.Equal(RestoreReason.DatabaseEmpty, plan.Reason);
    }

    [Fact]
    public async Task An_empty_database_without_snapshots_cannot_start_once_a_stream_dropped_messages()
    {
        var path = await DatabaseAsync(rows: false);
        var error = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => PlanAsync(path, Streams(1, 40)));
        Assert.Equal(StreamB, error.Stream);
        Assert.Equal(40UL, error.FirstSequence);
        Assert.Contains("there is no snapshot in the snapshot directory /backups", error.Message);
    }

    [Fact]
    public async Task A_database_whose_rows_were_all_deleted_by_replication_is_not_fresh()
    {
        var path = await DatabaseAsync(rows: false, positionA: 5);
        var plan = await PlanAsync(path, Streams(1, 1), Newest);
        Assert.False(plan.RestoreNeeded);
    }

    [Fact]
    public async Task A_position_below_a_streams_first_sequence_restores_the_newest_snapshot()
    {
        var path = await DatabaseAsync(rows: true, positionA: 20, positionB: 30);
        var plan = await PlanAsync(path, Streams(22, 5), Newest, Older);
        Assert.Equal(RestoreReason.LogTruncated, plan.Reason);
        Assert.Same(Newest, plan.Snapshot);
        Assert.Contains(StreamA, plan.Explanation);
        Assert.Equal(0, plan.UnpublishedChanges);
    }

    [Fact]
    public async Task A_truncated_log_without_a_snapshot_says_what_to_do()
    {
        var path = await DatabaseAsync(rows: true, positionA: 20, positionB: 30);
        var error = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => PlanAsync(path, Streams(21, 45)));
        Assert.Equal(StreamB, error.Stream);
        Assert.Equal(30UL, error.Position);
        Assert.Contains("no longer holds the messages after 30", error.Message);
        Assert.Contains("Copy the database from a healthy node", error.Message);
        Assert.Contains("-save-snapshot", error.Message);
        Assert.Contains("replication_log.max_entries", error.Message);

        var disabled = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => RestorePlanner.PlanAsync(path, Streams(21, 45), [], null, CancellationToken.None));
        Assert.Contains("snapshots are disabled", disabled.Message);
    }

    [Fact]
    public async Task A_snapshot_that_is_behind_the_stream_too_is_refused()
    {
        var path = await DatabaseAsync(rows: true, positionA: 5, positionB: 5);
        var error = await Assert.ThrowsAsync<ReplicationLogTruncatedException>(() => PlanAsync(path, Streams(52, 1), Newest));
        Assert.Contains($"newest snapshot {Newest.Id} is too old", error.Message);
        Assert.Contains("up to 50", error.Message);
    }

    [Fact]
    public async Task Unpublished_local_changes_that_a_restore_would_discard_are_counted()
    {
        var path = await DatabaseAsync(rows: true, positionA: 20, positionB: 30, unpublished: true);
        var plan = await PlanAsync(path, Streams(22, 5), Newest);
        Assert.Equal(2, plan.UnpublishedChanges);
        Assert.Contains("2 local changes not yet published will be discarded", plan.Explanation);
    }

    public void Dispose() => _directory.Dispose();
}
