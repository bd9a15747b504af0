using System.Diagnostics;

namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>Reads another process's command line on Unix: /proc on Linux, ps elsewhere.</summary>
internal static class ProcessCommandLine
{
    /// <summary>The command line with arguments separated by spaces, or null when it cannot be read (Windows, gone, a zombie, not permitted).</summary>
    public static async Task<string?> TryReadAsync(int processId, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) return null;
        if (OperatingSystem.IsLinux()) return await TryReadProcAsync(processId, cancellationToken).ConfigureAwait(false);
        return await TryReadPsAsync(processId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> TryReadProcAsync(int processId, CancellationToken cancellationToken)
    {
        try
        {
            var raw = await File.ReadAllTextAsync($"/proc/{processId}/cmdline", cancellationToken).ConfigureAwait(false);
            return raw.Length == 0 ? null : raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string?> TryReadPsAsync(int processId, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("ps", ["-ww", "-o", "args=", "-p", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var ps = Process.Start(psi);
            if (ps is null) return null;
            var outputTask = ps.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = ps.StandardError.ReadToEndAsync(cancellationToken);
            await ps.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var output = (await outputTask.ConfigureAwait(false)).Trim();
            return ps.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no ps on this system
        }
    }
}
