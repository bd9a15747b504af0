using System.Diagnostics;

namespace HarmonyLite.Bench.Sidecars;

/// <summary>
/// The <c>harmonylite</c> build a bench or campaign runs: by default the one this checkout built
/// (src/Host/bin/Release/net8.0), or any other given with <c>--harmonylite</c>, so two builds can be measured in one
/// sitting. A native launcher runs as it is, the way users run the sidecar; a <c>harmonylite.dll</c> runs under
/// <c>dotnet</c>, which hosts it in the same process (so the process's memory is the sidecar's either way).
/// </summary>
public sealed class SidecarExecutable
{
    private const string Launcher = "harmonylite";
    private const string Assembly = "harmonylite.dll";

    private SidecarExecutable(string path) => Path = path;

    /// <summary>The launcher or assembly that is started.</summary>
    public string Path { get; }

    /// <summary>What <c>harmonylite --version</c> printed.</summary>
    public string Version { get; private set; } = "";

    private bool IsAssembly => Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Finds the build: <paramref name="given"/> may be the launcher, the assembly, or the folder holding them; null
    /// means this checkout's Release build. Asks it for its version, which also proves it starts.
    /// </summary>
    public static async Task<SidecarExecutable> ResolveAsync(string? given, CancellationToken cancellationToken)
    {
        var path = given is null ? DefaultPath() : System.IO.Path.GetFullPath(given);
        if (Directory.Exists(path))
        {
            var inFolder = new[] { Launcher, Assembly }.Select(f => System.IO.Path.Combine(path, f)).FirstOrDefault(File.Exists);
            path = inFolder ?? throw new FileNotFoundException($"--harmonylite {given}: the folder holds neither {Launcher} nor {Assembly}.");
        }
        if (!File.Exists(path))
            throw new FileNotFoundException(given is null
                ? $"harmonylite is not built at {path}: run ./build.sh build, or give another build with --harmonylite <path>."
                : $"--harmonylite {given}: no such file.", path);
        var executable = new SidecarExecutable(path);
        executable.Version = await executable.VersionAsync(cancellationToken);
        return executable;
    }

    /// <summary>A start description for <c>harmonylite args...</c> in <paramref name="workingDirectory"/>, output redirected.</summary>
    public ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(IsAssembly ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (IsAssembly) start.ArgumentList.Add(Path);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Runs a command that exits by itself (<c>-save-snapshot</c>, <c>-cleanup</c>) and times the whole process.</summary>
    public async Task<SidecarRun> RunAsync(string workingDirectory, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(workingDirectory, args)) ?? throw new InvalidOperationException($"{Path} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"harmonylite {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:N0} s.");
        }
        return new SidecarRun(process.ExitCode, await output, await error, clock.Elapsed);
    }

    private static string DefaultPath()
    {
        var folder = HarmonyLite.TestSupport.RepositoryLayout.Path("src", "Host", "bin", "Release", "net8.0");
        var launcher = System.IO.Path.Combine(folder, Launcher);
        return File.Exists(launcher) ? launcher : System.IO.Path.Combine(folder, Assembly);
    }

    private async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var run = await RunAsync(System.IO.Path.GetTempPath(), ["--version"], TimeSpan.FromSeconds(60), cancellationToken);
        if (run.ExitCode != 0) throw new InvalidOperationException($"{Path} --version exited with {run.ExitCode}: {run.Error}");
        return run.Output.Trim();
    }

    public override string ToString() => $"{Version} ({Path}{(IsAssembly ? ", under dotnet" : "")})";
}

/// <summary>What one run of harmonylite to its end printed and returned, and how long the process took.</summary>
public sealed record SidecarRun(int ExitCode, string Output, string Error, TimeSpan Elapsed);
