using System.Diagnostics;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>
/// An interactive sqlite3 shell left running on a database: it keeps the file open while it waits for input, as an
/// application would. Disposing it ends the shell, which closes the file.
/// </summary>
public sealed class OpenSqliteShell : IAsyncDisposable
{
    private readonly Process _process;

    private OpenSqliteShell(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public static OpenSqliteShell Start(string databasePath) =>
        new(Process.Start(new ProcessStartInfo("sqlite3", [databasePath]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("sqlite3 did not start; is the sqlite3 shell installed (apt-get install sqlite3)?"));

    /// <summary>Runs a query that prints one line (a count, say) and returns that line.</summary>
    public async Task<string?> QueryLineAsync(string sql)
    {
        await _process.StandardInput.WriteLineAsync(sql);
        await _process.StandardInput.FlushAsync();
        return (await _process.StandardOutput.ReadLineAsync())?.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
