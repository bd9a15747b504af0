using System.Threading.Channels;
using HarmonyLite.PowerShell.Isolated.Logging;

namespace HarmonyLite.PowerShell.Execution;

/// <summary>
/// Runs an asynchronous engine call from a cmdlet. PowerShell lets a cmdlet write to its streams only from the
/// pipeline thread, so that thread waits here for the call while writing, as they arrive, the log records the
/// engine writes on its own threads.
/// </summary>
internal static class EngineCallRunner
{
    /// <summary>How often <c>tick</c> runs while the call is under way (progress displays).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    /// <param name="call">The engine call; it gets a token cancelled by <paramref name="cancellationToken"/> or when the caller stops listening.</param>
    /// <param name="log">The log the call writes to, or null when it logs nothing.</param>
    /// <param name="write">Writes one record to the cmdlet's streams; runs on the calling thread.</param>
    /// <param name="cancellationToken">Cancelled when the user stops the pipeline (Ctrl+C).</param>
    /// <param name="tick">Runs on the calling thread every <see cref="TickInterval"/> while the call runs (to update progress), or null.</param>
    /// <returns>The call's result; its exception, unwrapped, when it fails.</returns>
    public static T Run<T>(Func<CancellationToken, Task<T>> call, EngineLog? log, Action<HarmonyLogRecord> write, CancellationToken cancellationToken, Action? tick = null)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var records = Channel.CreateUnbounded<HarmonyLogRecord>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = log?.Subscribe(record => records.Writer.TryWrite(record));
        var task = Task.Run(() => call(abandon.Token), CancellationToken.None);
        task.ContinueWith(_ => records.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            // Ticks come every interval whether or not records arrive meanwhile: a busy log must not starve progress.
            var sinceTick = System.Diagnostics.Stopwatch.StartNew();
            tick?.Invoke();
            while (true)
            {
                var waiting = records.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
                while (!waiting.Wait(TickInterval - sinceTick.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero))
                {
                    tick?.Invoke();
                    sinceTick.Restart();
                }
                if (!waiting.Result) break;
                while (records.Reader.TryRead(out var record)) write(record);
                if (sinceTick.Elapsed >= TickInterval)
                {
                    tick?.Invoke();
                    sinceTick.Restart();
                }
            }
        }
        catch
        {
            // Writing failed (the pipeline is stopping, or -WarningAction Stop): nobody will take the result.
            abandon.Cancel();
            Discard(task);
            throw;
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits for an abandoned call and disposes what it produced anyway, so no node or connection is left running unowned.</summary>
    private static void Discard<T>(Task<T> task)
    {
        try
        {
            var result = task.GetAwaiter().GetResult();
            if (result is IAsyncDisposable asyncDisposable) asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
            else if (result is IDisposable disposable) disposable.Dispose();
        }
        catch (Exception)
        {
            // The caller is already failing with the exception that made it stop listening, which is the one to report.
        }
    }
}
