using System.Diagnostics;

namespace HarmonyLite.TestSupport;

/// <summary>
/// An interactive sqlite3 shell left running on a database: it keeps the file open while it waits for input, as an
/// application would, until disposed.
/// </summary>
public sealed class OpenSqliteShell : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private OpenSqliteShell(Process process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>Starts the shell and waits until it has read from the database (so the file is open).</summary>
    public static async Task<OpenSqliteShell> OpenAsync(string databasePath)
    {
        var process = Process.Start(new ProcessStartInfo("sqlite3", [databasePath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("sqlite3 did not start; is the sqlite3 shell installed (apt-get install sqlite3)?");
        var shell = new OpenSqliteShell(process);
        try
        {
            var line = await shell.QueryLineAsync("SELECT 'open', count(*) FROM sqlite_schema;");
            if (line is null || !line.StartsWith("open", StringComparison.Ordinal)) throw new InvalidOperationException($"sqlite3 answered '{line}'.");
            return shell;
        }
        catch
        {
            await shell.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a query that prints one line (a count, say) and returns that line, trimmed.</summary>
    public async Task<string?> QueryLineAsync(string sql)
    {
        await _process.StandardInput.WriteLineAsync(sql);
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        return (await _process.StandardOutput.ReadLineAsync(timeout.Token))?.Trim();
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
