namespace HarmonyLite.TestSupport;

/// <summary>Finds the programs the test servers run, or says how to install them.</summary>
public static class ExecutableLookup
{
    /// <summary>The absolute path of <paramref name="name"/> on PATH or in the system folders.</summary>
    /// <exception cref="FileNotFoundException">Not installed; the message says what installs it.</exception>
    public static string Find(string name, string install)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/sbin"]);
        foreach (var folder in folders.Where(f => f.Length > 0))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{name} was not found. Run ./build.sh setup ({install}).", name);
    }
}
