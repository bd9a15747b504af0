using HarmonyLite.PowerShell.Execution;
using HarmonyLite.PowerShell.Isolated.Logging;
using Xunit;

namespace HarmonyLite.Module.Tests.Execution;

public sealed class EngineCallRunnerTests
{
    private static HarmonyLogRecord Record(string message) => new(DateTimeOffset.Now, HarmonyLogLevel.Information, "test", message, null);

    [Fact]
    public void Writes_what_the_call_logs_on_the_calling_thread_in_order_and_returns_its_result()
    {
        var log = new EngineLog(HarmonyLogLevel.Information);
        var caller = Environment.CurrentManagedThreadId;
        var written = new List<(string Message, int Thread)>();

        var result = EngineCallRunner.Run(async _ =>
        {
            for (var i = 0; i < 50; i++)
            {
                log.Write(Record($"r{i}"));
                if (i % 10 == 0) await Task.Yield();
            }
            return 42;
        }, log, r => written.Add((r.Message, Environment.CurrentManagedThreadId)), CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"r{i}"), written.Select(w => w.Message));
        Assert.All(written, w => Assert.Equal(caller, w.Thread));
    }

    [Fact]
    public void Rethrows_the_calls_own_exception()
    {
        var thrown = Assert.Throws<FileNotFoundException>(() => EngineCallRunner.Run<int>(
            async _ =>
            {
                await Task.Yield();
                throw new FileNotFoundException("no such database", "x.db");
            }, null, _ => { }, CancellationToken.None));
        Assert.Equal("x.db", thrown.FileName);
    }

    [Fact]
    public async Task The_callers_cancellation_reaches_the_call()
    {
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var runner = Task.Run(() => EngineCallRunner.Run(async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return 0;
        }, null, _ => { }, stop.Token));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner);
    }

    [Fact]
    public void When_writing_fails_the_call_is_cancelled_and_its_result_disposed()
    {
        var log = new EngineLog(HarmonyLogLevel.Information);
        var resource = new TrackedResource();
        var sawCancellation = false;

        var thrown = Assert.Throws<InvalidOperationException>(() => EngineCallRunner.Run(async token =>
        {
            log.Write(Record("stop here"));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token);
            }
            catch (OperationCanceledException)
            {
                sawCancellation = true;
            }
            return resource;
        }, log, _ => throw new InvalidOperationException("pipeline stopped"), CancellationToken.None));

        Assert.Equal("pipeline stopped", thrown.Message);
        Assert.True(sawCancellation);
        Assert.True(resource.Disposed);
    }

    private sealed class TrackedResource : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
