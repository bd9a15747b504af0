using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>
/// Where the engine's log records go while it works for a PowerShell session (a node, a snapshot save): the most
/// recent ones are kept for later inspection, and live listeners (a cmdlet writing them to its streams, a job) get
/// each one as it is logged. Safe for concurrent use.
/// </summary>
public sealed class EngineLog
{
    /// <summary>How many records a log keeps unless told otherwise.</summary>
    public const int DefaultCapacity = 1000;

    private readonly object _gate = new();
    private readonly Queue<HarmonyLogRecord> _recent;
    private Action<HarmonyLogRecord>[] _listeners = [];

    public EngineLog(HarmonyLogLevel minimumLevel, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        MinimumLevel = minimumLevel;
        Capacity = capacity;
        _recent = new Queue<HarmonyLogRecord>(Math.Min(capacity, 64));
    }

    /// <summary>A log at the level the configuration asks for: debug records too when <c>logging.verbose</c> is set.</summary>
    public static EngineLog For(HarmonyConfig config) =>
        new(config.Logging.Verbose ? HarmonyLogLevel.Debug : HarmonyLogLevel.Information);

    /// <summary>Records below this level are dropped.</summary>
    public HarmonyLogLevel MinimumLevel { get; }

    /// <summary>How many of the most recent records are kept.</summary>
    public int Capacity { get; }

    public bool IsEnabled(HarmonyLogLevel level) => level >= MinimumLevel;

    /// <summary>Keeps the record (dropping the oldest beyond <see cref="Capacity"/>) and hands it to every listener.</summary>
    public void Write(HarmonyLogRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsEnabled(record.Level)) return;
        Action<HarmonyLogRecord>[] listeners;
        lock (_gate)
        {
            if (_recent.Count == Capacity) _recent.Dequeue();
            _recent.Enqueue(record);
            listeners = _listeners;
        }
        foreach (var listener in listeners) listener(record);
    }

    /// <summary>The kept records, oldest first.</summary>
    public IReadOnlyList<HarmonyLogRecord> Recent()
    {
        lock (_gate) return _recent.ToArray();
    }

    /// <summary>
    /// Calls <paramref name="listener"/> with every record written from now on, on the writer's thread, until the
    /// returned subscription is disposed. A listener must be quick and must not throw: it runs inside engine code.
    /// </summary>
    public IDisposable Subscribe(Action<HarmonyLogRecord> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate) _listeners = [.. _listeners, listener];
        return new Subscription(this, listener);
    }

    private void Unsubscribe(Action<HarmonyLogRecord> listener)
    {
        lock (_gate) _listeners = _listeners.Where(l => l != listener).ToArray();
    }

    private sealed class Subscription(EngineLog log, Action<HarmonyLogRecord> listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) log.Unsubscribe(listener);
        }
    }
}
