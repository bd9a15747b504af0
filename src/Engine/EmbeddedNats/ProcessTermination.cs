using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Stops a process the polite way first (SIGTERM on Unix, so nats-server flushes JetStream and
/// removes its ports file), then kills it when it has not exited within the grace period.
/// </summary>
internal static class ProcessTermination
{
    /// <summary>Returns once the process has exited. Cancellation skips the rest of the grace period and kills at once.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (HasExited(process)) return;
        if (!OperatingSystem.IsWindows() && gracePeriod > TimeSpan.Zero && await SendTerminateAsync(process.Id).ConfigureAwait(false))
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(gracePeriod);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // Still running after the grace period (or the caller is in a hurry): kill below.
            }
        }
        KillQuietly(process);
        // A SIGKILLed process always goes; this wait only covers the kernel reaping it.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Kills at once (SIGKILL on Unix).</summary>
    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill();
        }
        catch (InvalidOperationException) { } // exited meanwhile
        catch (Win32Exception) { } // exited meanwhile, or it was never ours to kill
    }

    public static bool HasExited(Process process)
    {
        try { return process.HasExited; }
        catch (InvalidOperationException) { return true; }
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
