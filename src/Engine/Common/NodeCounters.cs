using System.Collections.Concurrent;

namespace HarmonyLite.Engine.Common;

/// <summary>Running totals of a node's work, updated by its loops and read by status.</summary>
public sealed class NodeCounters
{
    private long _publishedBatches;
    private long _appliedBatches;
    private long _lastActivityTicks = DateTime.UtcNow.Ticks;
    private string? _lastError;
    private readonly ConcurrentDictionary<string, ulong> _lastPublished = new(StringComparer.Ordinal);

    public long PublishedBatches => Interlocked.Read(ref _publishedBatches);
    public long AppliedBatches => Interlocked.Read(ref _appliedBatches);
    public DateTime LastActivity => new(Interlocked.Read(ref _lastActivityTicks), DateTimeKind.Utc);
    public string? LastError => Volatile.Read(ref _lastError);

    public void Published() { Interlocked.Increment(ref _publishedBatches); Touch(); }
    /// <summary>A batch stored at <paramref name="sequence"/> of <paramref name="stream"/>.</summary>
    public void Published(string stream, ulong sequence)
    {
        _lastPublished.AddOrUpdate(stream, sequence, (_, last) => Math.Max(last, sequence));
        Published();
    }

    /// <summary>The last sequence this node published to <paramref name="stream"/> since it started; 0 for none.</summary>
    public ulong LastPublished(string stream) => _lastPublished.GetValueOrDefault(stream);

    public void Applied() { Interlocked.Increment(ref _appliedBatches); Touch(); }
    public void Error(string message) => Volatile.Write(ref _lastError, message);

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, DateTime.UtcNow.Ticks);
}
