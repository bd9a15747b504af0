using System.Threading.Channels;

namespace HarmonyLite.Engine.Publishing;

/// <summary>
/// Tells the publisher that the database may have changed: a file-system watch on the database and
/// its -wal and -shm files, with a periodic wake-up as the fallback for file systems that do not
/// report changes (network shares, some containers). Bursts of events coalesce into one signal.
/// </summary>
/// <remarks>
/// A file event can come before the write that caused it is visible: SQLite writes a transaction's WAL frames (which
/// raise the events) and only then publishes the commit in the -shm index, which it changes through a memory map
/// (which raises none). A reader woken by the last event typically looks in between and finds nothing. So every burst
/// of events is followed by a few more wake-ups once it has settled: soon (the commit usually lands within a
/// millisecond), and twice more for a writer held up between its WAL write and its commit. Without them such a commit
/// waited for the polling interval.
/// </remarks>
public sealed class DatabaseChangeWatcher : IDisposable
{
    /// <summary>The wake-ups after the last file event of a burst, counted from that event.</summary>
    public static readonly IReadOnlyList<TimeSpan> SettleDelays = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100)];

    // Capacity 1 with DropWrite: any number of events while the publisher is busy leave one pending wake-up.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly FileSystemWatcher? _watcher;
    private readonly string[] _watchedNames;
    private readonly Timer _settle;
    // The index in SettleDelays of the wake-up the timer is set for; a new event starts the series again.
    private int _settleStage;

    public DatabaseChangeWatcher(string databasePath, TimeSpan pollingInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        if (pollingInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(pollingInterval), "The polling interval must be positive.");
        PollingInterval = pollingInterval;
        _settle = new Timer(_ => OnSettled(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var fullPath = Path.GetFullPath(databasePath);
        var name = Path.GetFileName(fullPath);
        _watchedNames = new[] { name, name + "-wal", name + "-shm", name + "-journal" };
        try
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(fullPath)!, name + "*")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.Error += (_, _) => Notify(); // overflowed event queue: something changed; look
            _watcher.EnableRaisingEvents = true;
            IsWatchingFileSystem = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // No watch possible here (e.g. inotify limit reached): polling alone still finds every change.
            _watcher?.Dispose();
            _watcher = null;
            WatchError = ex.Message;
        }
    }

    /// <summary>How long <see cref="WaitAsync"/> waits at most when no event arrives.</summary>
    public TimeSpan PollingInterval { get; }

    /// <summary>False when the file system could not be watched; changes are then found by polling only.</summary>
    public bool IsWatchingFileSystem { get; }

    /// <summary>Why the file system could not be watched, when it could not.</summary>
    public string? WatchError { get; }

    /// <summary>Wakes the waiter as if a file had changed (used after a local write the node made itself).</summary>
    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>Completes when a watched file changed since the last call, or after the polling interval.</summary>
    /// <returns>True when woken by a change, false when the polling interval elapsed.</returns>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (_signal.Reader.TryRead(out _)) return true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PollingInterval);
        try
        {
            await _signal.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        var name = e.Name ?? "";
        foreach (var watched in _watchedNames)
        {
            if (!string.Equals(name, watched, StringComparison.Ordinal)) continue;
            Notify();
            Volatile.Write(ref _settleStage, 0);
            RestartSettleTimer(SettleDelays[0]);
            return;
        }
    }

    // An event racing with this can at worst add or skip one wake-up of a series; the polling interval stays the backstop.
    private void OnSettled()
    {
        Notify();
        var next = Interlocked.Increment(ref _settleStage);
        if (next < SettleDelays.Count) RestartSettleTimer(SettleDelays[next] - SettleDelays[next - 1]);
    }

    private void RestartSettleTimer(TimeSpan delay)
    {
        try { _settle.Change(delay, Timeout.InfiniteTimeSpan); }
        catch (ObjectDisposedException) { } // an event raced with Dispose: nobody waits any more
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _settle.Dispose();
        _signal.Writer.TryComplete();
    }
}
