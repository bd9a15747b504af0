using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// One running nats-server process: started with a config file, its output forwarded line by line
/// to a logger (and the last lines kept for error messages), stopped politely or killed.
/// </summary>
internal sealed class NatsServerChildProcess : IAsyncDisposable
{
    private const int RecentLineCount = 40;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly string _serverName;
    private readonly Queue<string> _recentLines = new();
    private readonly Task _outputPumps;

    private NatsServerChildProcess(Process process, ILogger logger, string serverName)
    {
        _process = process;
        _logger = logger;
        _serverName = serverName;
        ProcessId = process.Id;
        StartedAt = DateTimeOffset.UtcNow;
        _outputPumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
    }

    public int ProcessId { get; }
    public DateTimeOffset StartedAt { get; }
    /// <summary>Our own child: .NET reaps it, so HasExited is exact (no zombie check needed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited; null while running.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the process wrote, oldest first.</summary>
    public string RecentOutput
    {
        get { lock (_recentLines) return string.Join('\n', _recentLines); }
    }

    /// <exception cref="EmbeddedNatsServerStartException">The executable could not be started.</exception>
    public static NatsServerChildProcess Start(string executable, string configFile, string workingDirectory, ILogger logger, string serverName)
    {
        var psi = new ProcessStartInfo(executable, ["-c", configFile]);
        if (FindSetsid() is { } setsid)
        {
            // Its own session keeps the terminal's Ctrl+C (SIGINT to the foreground process group,
            // e.g. an interactive pwsh running Start-HarmonyNode) away from the server. setsid execs
            // in place, so the process id stays the server's.
            psi = new ProcessStartInfo(setsid, [executable, "-c", configFile]);
        }
        psi.WorkingDirectory = workingDirectory;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        // nats-server reads nothing; a redirected stdin keeps it off the node's console.
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        psi.CreateNoWindow = true;
        var process = new Process { StartInfo = psi };
        try
        {
            if (!process.Start())
                throw new EmbeddedNatsServerStartException($"{executable} did not start (the OS reported no new process).");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new EmbeddedNatsServerStartException($"{executable} could not be started: {ex.Message}. Check that it is a nats-server executable for this platform.", innerException: ex);
        }
        process.StandardInput.Close();
        return new NatsServerChildProcess(process, logger, serverName);
    }

    /// <summary>
    /// util-linux setsid, present on practically every Linux system. Elsewhere the server shares the
    /// node's process group (Windows has no such signal; macOS ships no setsid command).
    /// </summary>
    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux()) return null;
        return new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    }

    /// <summary>Completes with the exit code when the process exits, whoever ended it.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then a kill after <paramref name="gracePeriod"/>; cancellation kills at once.</summary>
    /// <returns>False when the process was still there even after the kill.</returns>
    public Task<bool> StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        ProcessTermination.TerminateAsync(_process, gracePeriod, cancellationToken);

    /// <summary>Kills the process if it still runs, then waits (briefly) for its output to drain.</summary>
    public async ValueTask DisposeAsync()
    {
        if (await ProcessTermination.TerminateAsync(_process, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false))
            await _outputPumps.ConfigureAwait(false);
        else
            _logger.LogError("nats-server {ServerName} (pid {ProcessId}) did not go away even after a kill; it may still hold its ports and files.", _serverName, ProcessId);
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_recentLines)
                {
                    _recentLines.Enqueue(line);
                    while (_recentLines.Count > RecentLineCount) _recentLines.Dequeue();
                }
                var parsed = NatsServerLogLine.Parse(line);
                if (_logger.IsEnabled(parsed.Level))
                    _logger.Log(parsed.Level, "nats-server {ServerName} (pid {ProcessId}): {Message}", _serverName, ProcessId, parsed.Message);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process; nothing more to forward.
        }
    }
}
