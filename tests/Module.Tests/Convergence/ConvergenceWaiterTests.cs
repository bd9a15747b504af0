using HarmonyLite.PowerShell.Convergence;
using HarmonyLite.PowerShell.Isolated.Logging;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Module.Tests.Convergence;

public sealed class ConvergenceWaiterTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly TempDirectory _directory = new("module-convergence");

    private string Replica(string name, string rows) =>
        TestDatabases.Create(_directory.File(name), TestDatabases.BooksSchema + rows);

    [Fact]
    public async Task Replicas_with_the_same_rows_have_converged_at_once()
    {
        var a = Replica("a.db", "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');");
        var b = Replica("b.db", "INSERT INTO Books VALUES (2, 'Emma'), (1, 'Dune');");

        var result = await ConvergenceWaiter.WaitAsync([a, b], TimeSpan.FromSeconds(10), Poll, null, CancellationToken.None);

        Assert.Equal([a, b], result.DatabasePaths);
        Assert.Equal(2, result.RowCounts["Books"]);
        Assert.Equal(64, result.Sha256.Length);
    }

    [Fact]
    public async Task Waits_until_a_lagging_replica_catches_up_and_says_what_it_sees_meanwhile()
    {
        var a = Replica("a.db", "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');");
        var b = Replica("b.db", "INSERT INTO Books VALUES (1, 'Dune');");
        var log = new EngineLog(HarmonyLogLevel.Information);
        var seenLag = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = log.Subscribe(_ => seenLag.TrySetResult());

        var waiting = ConvergenceWaiter.WaitAsync([a, b], TimeSpan.FromSeconds(30), Poll, log, CancellationToken.None);
        await seenLag.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);
        TestDatabases.Execute(b, "INSERT INTO Books VALUES (2, 'Emma');");
        var result = await waiting;

        Assert.Equal(2, result.RowCounts["Books"]);
        var record = Assert.Single(log.Recent());
        Assert.Contains("Books=1", record.Message);
        Assert.Contains("Books=2", record.Message);
    }

    [Fact]
    public async Task Replicas_that_never_agree_time_out_naming_each_ones_rows()
    {
        var a = Replica("a.db", "INSERT INTO Books VALUES (1, 'Dune'), (2, 'Emma');");
        var b = Replica("b.db", "INSERT INTO Books VALUES (1, 'Dune');");

        var error = await Assert.ThrowsAsync<ConvergenceTimeoutException>(() =>
            ConvergenceWaiter.WaitAsync([a, b], TimeSpan.FromMilliseconds(300), Poll, null, CancellationToken.None));

        Assert.Equal([a, b], error.Replicas.Select(r => r.DatabasePath));
        Assert.Equal([2L, 1L], error.Replicas.Select(r => r.RowCounts["Books"]));
        Assert.Contains($"{a}: sha256 ", error.Message);
        Assert.Contains("Books=2", error.Message);
        Assert.Contains("Books=1", error.Message);
        Assert.Contains("-Timeout", error.Message);
    }

    [Fact]
    public async Task A_missing_database_is_reported_at_once()
    {
        var a = Replica("a.db", "");
        var missing = _directory.File("missing.db");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            ConvergenceWaiter.WaitAsync([a, missing], TimeSpan.FromMinutes(5), Poll, null, CancellationToken.None));
        Assert.Equal(missing, error.FileName);
    }

    [Fact]
    public async Task Cancelling_stops_the_wait()
    {
        var a = Replica("a.db", "INSERT INTO Books VALUES (1, 'Dune');");
        var b = Replica("b.db", "");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ConvergenceWaiter.WaitAsync([a, b], TimeSpan.FromMinutes(5), Poll, null, cancel.Token));
    }

    public void Dispose() => _directory.Dispose();
}
