using System.Diagnostics;
using System.Threading.Channels;
using HarmonyLite.Engine.Sqlite;
using Microsoft.Data.Sqlite;

namespace HarmonyLite.Engine.Publishing;

/// <summary>
/// Tells the publisher that the database changed: a file-system watch on the database and its -wal and -shm files
/// notices a write, and SQLite's <c>PRAGMA data_version</c> says when it has committed; a periodic wake-up is the
/// fallback for file systems that do not report changes (network shares, some containers). Bursts coalesce into one
/// signal.
/// </summary>
/// <remarks>
/// A file event comes before the write that caused it is visible: SQLite writes a transaction's WAL frames (which raise
/// the events) and only then publishes the commit in the -shm index, through a memory map (which raises none). So an
/// event is not itself the signal: it starts a look at <c>data_version</c>, which changes once another connection's
/// commit is visible, asked again at once for the first moments (the commit usually follows within microseconds) and
/// every millisecond after, then less often, for up to <see cref="CommitWaitLimit"/>. A transaction that takes longer raises another
/// event when it writes its commit frame. Timers alone would cost milliseconds: .NET timers tick coarsely.
/// </remarks>
public sealed class DatabaseChangeWatcher : IDisposable
{
    /// <summary>
    /// How long after a file event the watcher looks for the commit it announces. Long enough for a writer that was
    /// preempted between writing its WAL frames and publishing its commit on a loaded machine.
    /// </summary>
    public static readonly TimeSpan CommitWaitLimit = TimeSpan.FromSeconds(1);

    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // the first millisecond: ask again at once
    private static readonly long EagerTicks = Stopwatch.Frequency / 50; // then every millisecond for 20 ms, then every 10 ms

    // Capacity 1 with DropWrite: any number of events while the publisher is busy leave one pending wake-up.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly FileSystemWatcher? _watcher;
    private readonly string[] _watchedNames;
    private readonly AutoResetEvent _fileEvent = new(false);
    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _dataVersion;
    private readonly Thread _looker;
    private volatile bool _disposed;
    private long _lastDataVersion;

    /// <exception cref="FileNotFoundException">The database does not exist.</exception>
    public DatabaseChangeWatcher(string databasePath, TimeSpan pollingInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        if (pollingInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(pollingInterval), "The polling interval must be positive.");
        PollingInterval = pollingInterval;
        var fullPath = Path.GetFullPath(databasePath);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"SQLite database '{fullPath}' does not exist.", fullPath);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        _connection.Open();
        _dataVersion = SqliteStatement.Prepare(_connection, "PRAGMA data_version");
        _lastDataVersion = ReadDataVersion();
        _looker = new Thread(LookForCommits) { IsBackground = true, Name = "HarmonyLite commit watch" };
        _looker.Start();

        var name = Path.GetFileName(fullPath);
        _watchedNames = [name, name + "-wal", name + "-shm", name + "-journal"];
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

    /// <summary>Wakes the waiter as if the database had changed (used after a local write the node made itself).</summary>
    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>Completes when the database changed since the last call, or after the polling interval.</summary>
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
            try { _fileEvent.Set(); }
            catch (ObjectDisposedException) { } // an event raced with Dispose: nobody waits any more
            return;
        }
    }

    /// <summary>The watcher's own thread: after each file event, looks for the commit until it is visible.</summary>
    private void LookForCommits()
    {
        // Dispose sets the flag before it signals; the inner look may take that signal, so the flag is checked before
        // every wait.
        while (!_disposed)
        {
            _fileEvent.WaitOne();
            if (_disposed) return;
            var since = Stopwatch.GetTimestamp();
            while (!_disposed)
            {
                if (HasCommitted())
                {
                    Notify();
                    break;
                }
                var elapsed = Stopwatch.GetTimestamp() - since;
                if (elapsed > CommitWaitLimit.TotalSeconds * Stopwatch.Frequency) break;
                // Events while looking (the same write's, or the next write's) keep the look going, from the latest
                // one, and end a pause at once: a write during a pause is looked for as eagerly as the first.
                if (elapsed < SpinTicks) Thread.SpinWait(64);
                if (_fileEvent.WaitOne(elapsed < SpinTicks ? 0 : elapsed < EagerTicks ? 1 : 10)) since = Stopwatch.GetTimestamp();
            }
        }
    }

    private bool HasCommitted()
    {
        long version;
        try
        {
            version = ReadDataVersion();
        }
        catch (SqliteException)
        {
            return true; // cannot tell (e.g. the file is being replaced): let the publisher look
        }
        if (version == _lastDataVersion) return false;
        _lastDataVersion = version;
        return true;
    }

    private long ReadDataVersion()
    {
        try
        {
            return _dataVersion.Step() ? _dataVersion.GetInt64(0) : 0;
        }
        finally
        {
            _dataVersion.Reset();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _watcher?.Dispose();
        _fileEvent.Set();
        _looker.Join();
        _dataVersion.Dispose();
        _connection.Dispose();
        _fileEvent.Dispose();
        _signal.Writer.TryComplete();
    }
}
