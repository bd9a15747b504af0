namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// Finds the nats-server executable: an explicit path, then the HARMONYLITE_NATS_SERVER environment
/// variable, then PATH, then the folders package managers install into.
/// </summary>
public sealed class NatsServerExecutableLocator
{
    public const string EnvironmentVariable = "HARMONYLITE_NATS_SERVER";

    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly IReadOnlyList<string> _wellKnownDirectories;

    public NatsServerExecutableLocator()
        : this(Environment.GetEnvironmentVariable, DefaultWellKnownDirectories())
    {
    }

    /// <summary>For tests: a controlled environment and list of install folders.</summary>
    internal NatsServerExecutableLocator(Func<string, string?> getEnvironmentVariable, IReadOnlyList<string> wellKnownDirectories)
    {
        _getEnvironmentVariable = getEnvironmentVariable;
        _wellKnownDirectories = wellKnownDirectories;
    }

    public static string ExecutableName => OperatingSystem.IsWindows() ? "nats-server.exe" : "nats-server";

    /// <summary>The full path of nats-server.</summary>
    /// <param name="configuredPath">An explicit path from the options; when set, nothing else is tried.</param>
    /// <exception cref="NatsServerNotFoundException">Not found, or the configured file is missing or not executable.</exception>
    public string Locate(string? configuredPath = null)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
            return RequireExplicit(configuredPath, "the configured nats-server path");

        var fromEnvironment = _getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return RequireExplicit(fromEnvironment, $"the environment variable {EnvironmentVariable}");

        var searched = new List<string>();
        var pathDirectories = (_getEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var directory in pathDirectories.Concat(_wellKnownDirectories).Distinct(StringComparer.Ordinal))
        {
            var candidate = Path.Combine(directory, ExecutableName);
            searched.Add(candidate);
            if (IsExecutableFile(candidate)) return Path.GetFullPath(candidate);
        }
        throw new NatsServerNotFoundException($"{ExecutableName} was not found on PATH or in the usual install folders.", searched);
    }

    private static string RequireExplicit(string path, string source)
    {
        var full = Path.GetFullPath(path.Trim());
        if (IsExecutableFile(full)) return full;
        var problem = File.Exists(full)
            ? $"{full}, named by {source}, is not executable (chmod +x it, or point at the real nats-server)."
            : $"{full}, named by {source}, does not exist.";
        throw new NatsServerNotFoundException(problem, [full]);
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    private static IReadOnlyList<string> DefaultWellKnownDirectories()
    {
        if (!OperatingSystem.IsWindows())
            return ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/snap/bin"];
        var directories = new List<string>();
        var localAppData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (localAppData.Length > 0) directories.Add(Path.Combine(localAppData, "Microsoft", "WinGet", "Links"));
        var chocolatey = Environment.GetEnvironmentVariable("ChocolateyInstall");
        directories.Add(Path.Combine(string.IsNullOrEmpty(chocolatey) ? @"C:\ProgramData\chocolatey" : chocolatey, "bin"));
        return directories;
    }
}
