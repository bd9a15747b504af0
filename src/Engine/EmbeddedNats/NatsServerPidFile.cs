using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// The pid file of a node's nats-server child. It outlives a crash of the node, so the next start
/// can find a child left running and stop it before starting its own.
/// </summary>
internal sealed class NatsServerPidFile
{
    private readonly string _path;
    private readonly string _configFile;

    /// <param name="path">The pid file.</param>
    /// <param name="configFile">The config file our children run with: only a process started with it is ours.</param>
    public NatsServerPidFile(string path, string configFile)
    {
        _path = path;
        _configFile = configFile;
    }

    public async Task WriteAsync(int processId, CancellationToken cancellationToken)
    {
        var temporary = _path + ".tmp";
        await File.WriteAllTextAsync(temporary, processId.ToString(CultureInfo.InvariantCulture) + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, _path, overwrite: true);
    }

    public void Delete()
    {
        try { File.Delete(_path); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>
    /// Stops the nats-server the pid file names if it is still running with our config file (its owner
    /// crashed), then removes the file. A file naming a dead or unrelated process is just removed.
    /// </summary>
    /// <returns>The id of the process that was stopped, or null when none was.</returns>
    public async Task<int?> StopLeftBehindServerAsync(TimeSpan gracePeriod, ILogger logger, CancellationToken cancellationToken)
    {
        if (!File.Exists(_path)) return null;
        var text = (await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)).Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var processId) || processId <= 0)
        {
            logger.LogWarning("Removing pid file {PidFile}: its content '{Content}' is not a process id.", _path, text);
            Delete();
            return null;
        }

        using var process = TryOpen(processId);
        if (process is null)
        {
            logger.LogDebug("Removing stale pid file {PidFile}: process {ProcessId} is gone.", _path, processId);
            Delete();
            return null;
        }
        if (!await IsOurServerAsync(process, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Removing stale pid file {PidFile}: process {ProcessId} is not a nats-server started with {ConfigFile}.", _path, processId, _configFile);
            Delete();
            return null;
        }

        logger.LogWarning("nats-server process {ProcessId} was left running by a previous run of this node (it uses {ConfigFile}); stopping it before starting a new one.", processId, _configFile);
        if (!await ProcessTermination.TerminateAsync(process, gracePeriod, cancellationToken).ConfigureAwait(false))
            throw new EmbeddedNatsServerStartException(
                $"nats-server process {processId}, left running by a previous run of this node, did not stop even after a kill. " +
                $"Stop it by hand (kill -9 {processId}, or end it in Task Manager) and start the node again.");
        Delete();
        return processId;
    }

    private static Process? TryOpen(int processId)
    {
        try
        {
            var process = Process.GetProcessById(processId);
            if (!ProcessTermination.HasEnded(process)) return process;
            process.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            return null; // no such process
        }
    }

    private async Task<bool> IsOurServerAsync(Process process, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            // Unreadable (gone meanwhile, or another user's) counts as not ours.
            var commandLine = await ProcessCommandLine.TryReadAsync(process.Id, cancellationToken).ConfigureAwait(false);
            return commandLine is not null && commandLine.Contains(_configFile, StringComparison.Ordinal);
        }

        // Windows offers no cheap command line: a nats-server that started before our pid file was
        // written is ours; a later one got a reused pid.
        try
        {
            var isNatsServer = process.ProcessName.Equals("nats-server", StringComparison.OrdinalIgnoreCase);
            var startedBeforePidFile = process.StartTime.ToUniversalTime() <= File.GetLastWriteTimeUtc(_path).AddSeconds(2);
            return isNatsServer && startedBeforePidFile;
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return false; // exited meanwhile, or another user's process we may not inspect
        }
    }
}
