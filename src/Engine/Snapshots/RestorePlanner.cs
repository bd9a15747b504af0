using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Decides at start, before consuming, whether a node must begin from a snapshot: when its database is missing, when it
/// is a fresh empty copy of the schema, or when a stream dropped messages it never applied. In the last case (and
/// whenever the streams no longer start at sequence 1 for a node without data) a snapshot is the only way forward, so
/// its absence is an error that says what to do.
/// </summary>
public static class RestorePlanner
{
    /// <param name="databasePath">The node's database.</param>
    /// <param name="streams">Every shard stream with the sequences it holds now.</param>
    /// <param name="snapshots">The available snapshots, newest first (empty when there are none or snapshots are disabled).</param>
    /// <param name="storeDescription">Where snapshots are kept, for messages; null when snapshots are disabled.</param>
    /// <exception cref="ReplicationLogTruncatedException">A restore is required and no snapshot can provide it.</exception>
    public static async Task<RestorePlan> PlanAsync(string databasePath, IReadOnlyList<StreamRange> streams, IReadOnlyList<SnapshotMetadata> snapshots,
        string? storeDescription, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(snapshots);
        var database = Path.GetFullPath(databasePath);
        var local = await ReadLocalStateAsync(database, cancellationToken).ConfigureAwait(false);
        var gaps = streams.Where(s => !s.CanResumeFrom(local.PositionOf(s.Stream))).ToList();

        var (reason, situation) = !local.Exists ? (RestoreReason.DatabaseMissing, $"the database {database} does not exist")
            : gaps.Count > 0 ? (RestoreReason.LogTruncated, $"stream {gaps[0].Stream} no longer holds the messages after {local.PositionOf(gaps[0].Stream)} that {database} has not applied (the stream now starts at {gaps[0].FirstSequence})")
            : !local.HasRows && !local.HasApplied ? (RestoreReason.DatabaseEmpty, $"no table of {database} has a row and nothing was applied yet")
            : (RestoreReason.None, "");
        if (reason == RestoreReason.None)
            return new RestorePlan(reason, null, $"{database} catches up from the streams; no restore needed.", local.Unpublished);

        var newest = snapshots.Count == 0 ? null : snapshots[0];
        if (newest is null)
        {
            if (gaps.Count == 0)
                return new RestorePlan(reason, null, $"No restore: {situation}, but no snapshot exists and the streams still hold every message, so the node catches up from them.", local.Unpublished);
            var gap = gaps[0];
            var where = storeDescription is null ? "snapshots are disabled (snapshot.enabled = false)" : $"there is no snapshot in the {storeDescription}";
            throw new ReplicationLogTruncatedException(database, gap.Stream, local.PositionOf(gap.Stream), gap.FirstSequence,
                $"Cannot start: {Capitalized(situation)}{(reason == RestoreReason.LogTruncated ? "" : $", and stream {gap.Stream} no longer starts at sequence 1 (it starts at {gap.FirstSequence})")}, and {where}. "
                + $"Copy the database from a healthy node (stop that node, copy its file to {database}) and start again, or save a snapshot on a healthy node "
                + "(harmonylite -config <file> -save-snapshot, or Save-HarmonySnapshot) and start again. To keep this from happening, raise "
                + "replication_log.max_entries or save snapshots regularly (snapshot.enabled = true with snapshot.interval).");
        }

        var behind = streams.FirstOrDefault(s => !s.CanResumeFrom(newest.Positions.GetValueOrDefault(s.Stream)));
        if (behind is not null)
        {
            var held = newest.Positions.GetValueOrDefault(behind.Stream);
            throw new ReplicationLogTruncatedException(database, behind.Stream, local.PositionOf(behind.Stream), behind.FirstSequence,
                $"Cannot start: {situation}, and the newest snapshot {newest.Id} is too old to help: it holds stream {behind.Stream} up to {held}, "
                + $"but the stream now starts at {behind.FirstSequence}. Save a new snapshot on a healthy node (harmonylite -config <file> -save-snapshot, "
                + $"or Save-HarmonySnapshot) and start again, or copy the database from a healthy node to {database}. To keep this from happening, "
                + "save snapshots more often (snapshot.interval) or raise replication_log.max_entries.");
        }

        var lost = local.Unpublished > 0 ? $" {local.Unpublished} local changes not yet published will be discarded." : "";
        return new RestorePlan(reason, newest, $"Restoring snapshot {newest.Id} ({newest.CreatedAt.UtcDateTime:u}, node {newest.NodeId}) because {situation}.{lost}", local.Unpublished);
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static async Task<LocalState> ReadLocalStateAsync(string database, CancellationToken cancellationToken)
    {
        if (!File.Exists(database)) return new LocalState(false, new Dictionary<string, ulong>(), false, 0);
        await using var connection = await SqliteConnectionFactory.OpenAsync(database, null, cancellationToken).ConfigureAwait(false);
        var positions = await CaptureSchema.IsInstalledAsync(connection, cancellationToken).ConfigureAwait(false)
            ? await StreamPositionTable.ReadAllAsync(connection, cancellationToken).ConfigureAwait(false)
            : new Dictionary<string, ulong>();
        var hasRows = false;
        foreach (var (name, kind) in await SqliteSchemaReader.ReadTableNamesAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            if (kind != SqliteTableKind.Ordinary || CaptureArtifactNames.IsArtifact(name)) continue;
            if (await connection.ScalarInt64Async($"SELECT EXISTS (SELECT 1 FROM {SqliteIdentifier.Quote(name)})", cancellationToken).ConfigureAwait(false) == 1)
            {
                hasRows = true;
                break;
            }
        }
        var unpublished = await CaptureLocalState.CountUnpublishedAsync(connection, cancellationToken).ConfigureAwait(false);
        return new LocalState(true, positions, hasRows, unpublished);
    }

    private sealed record LocalState(bool Exists, IReadOnlyDictionary<string, ulong> Positions, bool HasRows, long Unpublished)
    {
        public bool HasApplied => Positions.Values.Any(p => p > 0);

        public ulong PositionOf(string stream) => Positions.GetValueOrDefault(stream);
    }
}
