using System.Diagnostics;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Snapshots;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Consuming;

/// <summary>
/// What a running node does when a stream delivers a message past one it never applied: the stream dropped messages
/// (it keeps <c>replication_log.max_entries</c>) while this node was behind. Messages this node published itself are
/// no loss (their changes were written here). Skipping others would leave the database different from the others for
/// good, so the node merges the newest snapshot that holds them and goes on. When none holds them yet it asks again for
/// a while: the cluster saves snapshots as the stream moves on, and a burst that outran this node usually outran the
/// last snapshot too by only seconds. Without one by then it stops and says what to do (it restores a snapshot when it
/// starts again).
/// </summary>
public sealed class StreamGapRecovery
{
    /// <summary>How long a node behind waits for a snapshot that holds what it missed, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultSnapshotWait = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan AskAgainEvery = TimeSpan.FromSeconds(1);

    private readonly SnapshotService? _snapshots;
    private readonly TimeSpan _snapshotWait;
    private readonly OwnStreamSequences _ownSequences;
    private readonly string _databasePath;
    private readonly ILogger _logger;

    /// <param name="snapshots">The node's snapshot store; null when snapshots are disabled.</param>
    /// <param name="ownSequences">What this node's publisher stored; filled by the publisher.</param>
    /// <param name="snapshotWait">How long to ask again for a snapshot that holds the missing messages before stopping
    /// (<see cref="DefaultSnapshotWait"/> when null).</param>
    public StreamGapRecovery(SnapshotService? snapshots, OwnStreamSequences ownSequences, string databasePath, ILogger logger,
        TimeSpan? snapshotWait = null)
    {
        _snapshots = snapshots;
        _snapshotWait = snapshotWait ?? DefaultSnapshotWait;
        _ownSequences = ownSequences;
        _databasePath = Path.GetFullPath(databasePath);
        _logger = logger;
    }

    /// <summary>
    /// Brings <paramref name="stream"/> from <paramref name="applied"/> past the messages before <paramref name="delivered"/>,
    /// through <paramref name="applier"/>. Returns the position the stream now stands at, at least <paramref name="delivered"/> - 1.
    /// </summary>
    /// <exception cref="ReplicationLogTruncatedException">No snapshot held the missing messages within the wait.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="stopping"/> was cancelled while waiting for a snapshot:
    /// nothing was applied.</exception>
    /// <remarks>Call <see cref="Passed"/> as the consumer moves on, so what this node published is forgotten once it is behind.</remarks>
    public async Task<ulong> RecoverAsync(string stream, ulong applied, ulong delivered, ChangeApplier applier,
        CancellationToken stopping, CancellationToken cancellationToken)
    {
        if (_ownSequences.ContainsAll(stream, applied + 1, delivered - 1))
        {
            _logger.LogDebug("Stream {Stream} dropped messages {First} to {Last} before this node passed them; it published them itself, so nothing is missing", stream, applied + 1, delivered - 1);
            return delivered - 1;
        }
        var missing = delivered - 1 == applied + 1 ? $"message {applied + 1}" : $"messages {applied + 1} to {delivered - 1}";
        var situation = $"Stream {stream} dropped {missing} before this node applied them to {_databasePath} (the stream keeps replication_log.max_entries messages and this node fell further behind)";
        if (_snapshots is not null)
        {
            _logger.LogWarning("{Situation}; catching up from the newest snapshot that holds them.", situation);
            var merged = await MergeWhenSavedAsync(_snapshots, applier, stream, delivered - 1, stopping, cancellationToken).ConfigureAwait(false);
            if (merged is not null) return merged.Positions[stream];
        }
        throw new ReplicationLogTruncatedException(_databasePath, stream, applied, delivered, _snapshots is null
            ? $"{situation}, and snapshots are disabled (snapshot.enabled = false): the node stopped rather than replicate with rows missing. "
              + $"Stop a healthy node, copy its database file to {_databasePath} and start both again. To keep this from happening, raise "
              + "replication_log.max_entries, or enable snapshots with snapshot.interval so a node that falls behind catches up from one."
            : $"{situation}, and no snapshot in the {_snapshots.Store.Description} held them within {_snapshotWait.TotalSeconds:0} s: the node stopped rather than replicate with rows missing. "
              + "Save a snapshot on a healthy node (harmonylite -config <file> -save-snapshot, or Save-HarmonySnapshot) and start this node again: "
              + "it restores the snapshot. To keep this from happening, save snapshots more often (snapshot.interval) or raise replication_log.max_entries.");
    }

    /// <summary>Merges the newest snapshot holding <paramref name="stream"/> through <paramref name="through"/>, asking
    /// again every second until one is saved or the wait is over (then null).</summary>
    private async Task<SnapshotMetadata?> MergeWhenSavedAsync(SnapshotService snapshots, ChangeApplier applier, string stream,
        ulong through, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var merged = await snapshots.MergeAsync(applier, stream, through, cancellationToken).ConfigureAwait(false);
        if (merged is not null || _snapshotWait <= TimeSpan.Zero) return merged;
        _logger.LogWarning("No snapshot in the {Store} holds {Stream} through message {Through} yet; asking again every {Every} s for up to {Wait} s before the node stops",
            snapshots.Store.Description, stream, through, AskAgainEvery.TotalSeconds, _snapshotWait.TotalSeconds);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        while (merged is null && waited.Elapsed < _snapshotWait)
        {
            await Task.Delay(AskAgainEvery, either.Token).ConfigureAwait(false);
            merged = await snapshots.MergeAsync(applier, stream, through, cancellationToken).ConfigureAwait(false);
        }
        return merged;
    }

    /// <summary>The consumer of <paramref name="stream"/> is at <paramref name="sequence"/>: what this node published up to there no longer matters.</summary>
    public void Passed(string stream, ulong sequence) => _ownSequences.ForgetThrough(stream, sequence);
}
