using System.Diagnostics;

namespace HarmonyLite.Engine.Tests.Sqlite;

/// <summary>Runs the real sqlite3 shell as a child process on a database file: an outside writer with default settings.</summary>
internal static class SqliteCli
{
    public const string Executable = "/usr/bin/sqlite3";

    /// <summary>Runs <paramref name="script"/> with <c>-bail</c>; returns standard output, throws with standard error on failure.</summary>
    public static async Task<string> RunAsync(string databasePath, string script, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-bail", "-batch", databasePath }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(script.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"sqlite3 exited with {process.ExitCode}: {await error}\nScript:\n{(script.Length > 2000 ? script[..2000] + "..." : script)}");
            return await output;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>Runs a query and returns its rows, one string per row (columns joined by '|').</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(string databasePath, string sql, CancellationToken cancellationToken = default) =>
        (await RunAsync(databasePath, sql, cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
