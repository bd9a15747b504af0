using System.Diagnostics;
using HarmonyLite.TestSupport;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>Prometheus' own checker of the text format: <c>promtool check metrics</c>, the scrape on its stdin.</summary>
public static class Promtool
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Its exit code (0: valid, no lint problems) and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string scrape)
    {
        var start = new ProcessStartInfo(ExecutableLookup.Find("promtool", "Debian package prometheus"), "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"promtool check metrics did not finish within {Timeout.TotalSeconds} s");
        }
        return (process.ExitCode, await output + await error);
    }
}
