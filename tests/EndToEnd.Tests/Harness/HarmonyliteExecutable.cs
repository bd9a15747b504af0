using System.Diagnostics;

namespace HarmonyLite.EndToEnd.Tests.Harness;

/// <summary>What one run of harmonylite to completion printed and returned.</summary>
public sealed record HarmonyliteRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// The built <c>harmonylite</c> sidecar, run with <c>dotnet</c> from its own output folder (see
/// <see cref="HarmonyLite.TestSupport.HarmonyliteBuild"/>), as users run it.
/// </summary>
public static class HarmonyliteExecutable
{
    public static string Dll => HarmonyLite.TestSupport.HarmonyliteBuild.DllPath;

    /// <summary>A start description for <c>dotnet harmonylite.dll args...</c> in <paramref name="workingDirectory"/>, output redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException($"{Dll} is missing; build tests/EndToEnd.Tests (its reference to src/Host copies it).", Dll);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Runs a command that exits by itself (-cleanup, -print-config), with a deadline.</summary>
    public static async Task<HarmonyliteRun> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"harmonylite {string.Join(' ', args)} did not exit within 60 s; stderr so far:\n{(error.IsCompleted ? await error : "")}");
        }
        return new HarmonyliteRun(process.ExitCode, await output, await error);
    }
}
