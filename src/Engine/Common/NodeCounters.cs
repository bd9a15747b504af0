using System.Collections.Concurrent;
using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Observability;
using HarmonyLite.Engine.Replication;

namespace HarmonyLite.Engine.Common;

/// <summary>
/// Running totals of a node's work, updated by its loops and read by status, health and metrics. Events that need more
/// than a total (durations, per table) also go to the node's <see cref="NodeMetrics"/>, when it has one.
/// </summary>
public sealed class NodeCounters(NodeMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, StreamMark> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamMark> _applied = new(StringComparer.Ordinal);
    private long _publishedBatches;
    private long _appliedBatches;
    private long _lastActivityTicks = DateTime.UtcNow.Ticks;
    private string? _lastError;

    public long PublishedBatches => Interlocked.Read(ref _publishedBatches);
    public long AppliedBatches => Interlocked.Read(ref _appliedBatches);
    public DateTime LastActivity => new(Interlocked.Read(ref _lastActivityTicks), DateTimeKind.Utc);
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The last message published per stream.</summary>
    public IReadOnlyDictionary<string, StreamMark> LastPublished => _published;

    /// <summary>The last message of another node applied per stream.</summary>
    public IReadOnlyDictionary<string, StreamMark> LastApplied => _applied;

    /// <summary>A batch JetStream stored at <paramref name="sequence"/> of <paramref name="stream"/>.</summary>
    public void Published(string stream, ulong sequence, ChangeBatch batch)
    {
        var now = DateTimeOffset.UtcNow;
        Mark(_published, stream, sequence, now);
        Interlocked.Increment(ref _publishedBatches);
        Touch();
        if (batch.Changes.Count > 0) metrics?.Published(now - batch.Changes.Min(c => c.Version.WallClock));
    }

    /// <summary>A batch of another node applied from <paramref name="stream"/> in <paramref name="took"/>.</summary>
    public void Applied(string stream, ulong sequence, ChangeBatch batch, ApplyResult result, TimeSpan took)
    {
        Mark(_applied, stream, sequence, DateTimeOffset.UtcNow);
        Applied();
        metrics?.Applied(batch, result, took);
    }

    /// <summary>A quarantined message applied at last (its stream position had moved on already).</summary>
    public void Applied() { Interlocked.Increment(ref _appliedBatches); Touch(); }

    /// <summary>A message set aside in the quarantine; <paramref name="batch"/> null: it did not decode.</summary>
    public void Quarantined(ChangeBatch? batch, string message)
    {
        Error(message);
        metrics?.ApplyFailed(batch);
    }

    public void Error(string message) => Volatile.Write(ref _lastError, message);

    private static void Mark(ConcurrentDictionary<string, StreamMark> marks, string stream, ulong sequence, DateTimeOffset at) =>
        marks.AddOrUpdate(stream, _ => new StreamMark(sequence, at, 1),
            (_, last) => new StreamMark(sequence, at, last.Messages + 1));

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, DateTime.UtcNow.Ticks);
}
