using System.Diagnostics;
using HarmonyLite.TestSupport;

namespace HarmonyLite.Host.Tests.Support;

/// <summary>What one run of the harmonylite executable printed and returned.</summary>
internal sealed record HarmonyliteResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the built harmonylite.dll (in its own build folder, see HarmonyliteBuild) as a child process
/// with <c>dotnet</c>, from the repository root so example paths resolve.
/// </summary>
internal static class HarmonyliteProcess
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<HarmonyliteResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryLayout.Root,
        };
        start.ArgumentList.Add(HarmonyliteBuild.DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"harmonylite {string.Join(' ', args)} did not exit within {Deadline.TotalSeconds} s");
        }
        return new HarmonyliteResult(process.ExitCode, await output, await error);
    }
}
