using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Stops a process the polite way first (SIGTERM on Unix, so nats-server flushes JetStream and
/// removes its ports file), then kills it when it has not exited within the grace period. Works for
/// processes that are not our children too (a server left behind by a crashed node), which nobody
/// may reap in a container without an init: a zombie counts as ended.
/// </summary>
internal static class ProcessTermination
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a killed process may take to disappear; only a process stuck in the kernel takes longer.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>Cancellation skips the rest of the grace period and kills at once.</summary>
    /// <returns>False when the process was still there even after the kill.</returns>
    public static async Task<bool> TerminateAsync(Process process, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (HasEnded(process)) return true;
        if (!OperatingSystem.IsWindows() && gracePeriod > TimeSpan.Zero && await SendTerminateAsync(process.Id).ConfigureAwait(false)
            && await WaitUntilEndedAsync(process, gracePeriod, cancellationToken).ConfigureAwait(false))
            return true;
        KillQuietly(process);
        return await WaitUntilEndedAsync(process, KillWait, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Exited, or a zombie waiting to be reaped.</summary>
    public static bool HasEnded(Process process)
    {
        try
        {
            if (process.HasExited) return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
        return IsZombie(process.Id);
    }

    private static async Task<bool> WaitUntilEndedAsync(Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!HasEnded(process))
        {
            if (DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested) return false;
            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException) { } // exited meanwhile
        catch (Win32Exception) { } // exited meanwhile, or not ours to kill: the wait that follows tells
    }

    /// <summary>On Linux a dead process whose parent has not reaped it still answers kill(pid, 0); /proc tells.</summary>
    private static bool IsZombie(int processId)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
            var afterName = stat.LastIndexOf(')') + 2; // "pid (name) S ..."; the name may hold spaces and parentheses
            return afterName < stat.Length && stat[afterName] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true; // no /proc entry: gone entirely
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM with the system's kill command (no native interop to maintain per platform).</summary>
    private static async Task<bool> SendTerminateAsync(int processId)
    {
        var psi = new ProcessStartInfo("kill", ["-TERM", processId.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        try
        {
            using var kill = Process.Start(psi);
            if (kill is null) return false;
            _ = await kill.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await kill.WaitForExitAsync().ConfigureAwait(false);
            return kill.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false; // no kill command: fall back to SIGKILL
        }
    }
}
