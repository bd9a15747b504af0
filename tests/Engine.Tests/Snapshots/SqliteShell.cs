using System.Diagnostics;

namespace HarmonyLite.Engine.Tests.Snapshots;

/// <summary>An interactive sqlite3 shell holding a database open, as an application would, until disposed.</summary>
internal sealed class SqliteShell : IAsyncDisposable
{
    private readonly Process _process;

    private SqliteShell(Process process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>Starts the shell and waits until it has read from the database (so the file is open).</summary>
    public static async Task<SqliteShell> OpenAsync(string databasePath)
    {
        var process = Process.Start(new ProcessStartInfo(Sqlite.SqliteCli.Executable, [databasePath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start sqlite3.");
        var shell = new SqliteShell(process);
        try
        {
            await process.StandardInput.WriteLineAsync("SELECT 'open', count(*) FROM sqlite_schema;");
            await process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("open", StringComparison.Ordinal)) throw new InvalidOperationException($"sqlite3 answered '{line}'.");
            return shell;
        }
        catch
        {
            await shell.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
