using System.Diagnostics;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// The sqlite3 command-line shell, run as a separate process: the way an outside program writes a replicated
/// database. A run waits up to 30 s (or the busy timeout given) for a lock a node holds instead of failing with
/// "database is locked".
/// </summary>
public static class SqliteShell
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Runs <paramref name="sql"/> (any number of statements) on <paramref name="databasePath"/>; returns what it printed, one row per line.</summary>
    /// <exception cref="InvalidOperationException">sqlite3 failed; the message has its error output and the SQL.</exception>
    public static Task<string> RunAsync(string databasePath, string sql, CancellationToken cancellationToken = default) =>
        RunAsync(databasePath, sql, TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>Runs <paramref name="sql"/> waiting at most <paramref name="busyTimeout"/> for each lock (SQLite's busy_timeout).</summary>
    /// <exception cref="InvalidOperationException">sqlite3 failed, e.g. "database is locked" after the busy timeout.</exception>
    public static async Task<string> RunAsync(string databasePath, string sql, TimeSpan busyTimeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("sqlite3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-bail", "-batch", "-noheader", "-cmd", $".timeout {(int)busyTimeout.TotalMilliseconds}", databasePath }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start; is the sqlite3 shell installed (apt-get install sqlite3)?");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(sql);
        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sqlite3 {databasePath} did not finish within {Deadline.TotalSeconds} s running: {Abbreviate(sql)}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"sqlite3 {databasePath} failed (exit code {process.ExitCode}): {(await error).Trim()}\nSQL: {Abbreviate(sql)}");
        return await output;
    }

    /// <summary>Runs a query and returns its rows, one string per row (columns joined by '|').</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(string databasePath, string sql, CancellationToken cancellationToken = default) =>
        (await RunAsync(databasePath, sql, cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Abbreviate(string sql) => sql.Length <= 400 ? sql : sql[..400] + $"... ({sql.Length} characters)";
}
