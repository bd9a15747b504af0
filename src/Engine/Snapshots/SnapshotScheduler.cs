using HarmonyLite.Engine.Common;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// The node's background saver. Only while this node holds the <see cref="SnapshotLease"/> it saves a snapshot when the
/// newest one is older than the interval, or when a shard stream took <see cref="SnapshotScheduleOptions.EntriesPerSnapshot"/>
/// messages since the last one. The lease makes exactly one node save per trigger; a save in progress is abandoned when
/// the lease is lost. While another node holds it, this one keeps trying to take it over (it expires when its holder
/// dies). Disposing releases the lease.
/// </summary>
public sealed class SnapshotScheduler : IAsyncDisposable
{
    private readonly SnapshotService _snapshots;
    private readonly SnapshotScheduleOptions _options;
    private readonly Func<CancellationToken, Task<IReadOnlyDictionary<string, ulong>>> _readLastSequences;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Backoff _backoff;
    private Baseline? _baseline;

    /// <param name="snapshots">Saves the snapshots.</param>
    /// <param name="lease">Owned by the scheduler from now on: disposing the scheduler releases it.</param>
    /// <param name="options">The triggers; <see cref="SnapshotScheduleOptions.From"/> reads them from the configuration.</param>
    /// <param name="readLastSequences">The last sequence of every shard stream now (stream name to sequence).</param>
    public SnapshotScheduler(SnapshotService snapshots, SnapshotLease lease, SnapshotScheduleOptions options,
        Func<CancellationToken, Task<IReadOnlyDictionary<string, ulong>>> readLastSequences, ILogger logger, TimeProvider? clock = null)
    {
        _snapshots = snapshots ?? throw new ArgumentNullException(nameof(snapshots));
        Lease = lease ?? throw new ArgumentNullException(nameof(lease));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _readLastSequences = readLastSequences ?? throw new ArgumentNullException(nameof(readLastSequences));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        if (options.CheckInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), options.CheckInterval, "The check interval must be positive.");
        _clock = clock ?? TimeProvider.System;
        _backoff = new Backoff(options.CheckInterval, TimeSpan.FromTicks(Math.Max(options.CheckInterval.Ticks, TimeSpan.FromMinutes(1).Ticks)));
    }

    public SnapshotLease Lease { get; }

    /// <summary>The last snapshot this scheduler saved, or null.</summary>
    public SnapshotMetadata? LastSaved { get; private set; }

    /// <summary>Raised after each snapshot this scheduler saved and verified.</summary>
    public event EventHandler<SnapshotSavedEventArgs>? Saved;

    /// <summary>Runs until cancelled. A failed save is logged and retried with backoff; it never ends the loop.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = _options.CheckInterval;
            try
            {
                await CheckAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("A snapshot save was abandoned: node {NodeId} lost the snapshot lease while saving.", Lease.NodeId);
            }
            catch (Exception ex)
            {
                delay = _backoff.Delay(failures++);
                _logger.LogError(ex, "Saving a snapshot failed: {Error} Retrying in {Delay}.", ex.Message, delay);
            }
            try
            {
                await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => Lease.DisposeAsync();

    /// <summary>One round: take the lease if free, then save when a trigger is due.</summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (!Lease.IsHeld)
        {
            // Whatever was saved while another node held the lease is read again when this one takes it.
            _baseline = null;
            if (!await Lease.TryAcquireAsync(cancellationToken).ConfigureAwait(false)) return;
        }
        var held = Lease.HeldToken;
        _baseline ??= await ReadBaselineAsync(cancellationToken).ConfigureAwait(false);
        var lastSequences = await _readLastSequences(cancellationToken).ConfigureAwait(false);
        var trigger = DueTrigger(_baseline, lastSequences);
        if (trigger is null) return;

        using var whileHeld = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var saved = await _snapshots.SaveAsync(whileHeld.Token).ConfigureAwait(false);
        var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _baseline = new Baseline(lastSequences, saved.CreatedAt);
        LastSaved = saved;
        _logger.LogInformation("Saved snapshot {Id} because {Trigger}.", saved.Id, trigger);
        Saved?.Invoke(this, new SnapshotSavedEventArgs(saved, trigger, took));
    }

    private async Task<Baseline> ReadBaselineAsync(CancellationToken cancellationToken)
    {
        var newest = (await _snapshots.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return newest is null ? new Baseline(new Dictionary<string, ulong>(), null) : new Baseline(newest.Positions, newest.CreatedAt);
    }

    private string? DueTrigger(Baseline baseline, IReadOnlyDictionary<string, ulong> lastSequences)
    {
        if (_options.Interval > TimeSpan.Zero)
        {
            if (baseline.SavedAt is null) return "no snapshot exists yet";
            if (_clock.GetUtcNow() - baseline.SavedAt.Value >= _options.Interval) return $"the newest snapshot is older than snapshot.interval ({_options.Interval})";
        }
        if (_options.EntriesPerSnapshot > 0)
        {
            foreach (var (stream, last) in lastSequences.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var before = baseline.Sequences.GetValueOrDefault(stream);
                if (last > before && last - before >= _options.EntriesPerSnapshot)
                    return $"stream {stream} took {last - before} messages since the last snapshot (every {_options.EntriesPerSnapshot})";
            }
        }
        return null;
    }

    /// <summary>Where the streams stood at the last snapshot, and when it was saved (null: none exists).</summary>
    private sealed record Baseline(IReadOnlyDictionary<string, ulong> Sequences, DateTimeOffset? SavedAt);
}
