namespace HarmonyLite.TestSupport;

/// <summary>
/// The built <c>harmonylite</c> sidecar in its own output folder (src/Host/bin/&lt;configuration&gt;/net8.0),
/// run the way users run it: with its own deps.json and runtime config, not from a test project's folder.
/// </summary>
public static class HarmonyliteBuild
{
    /// <summary>The configuration (Debug/Release) the tests were built in; the host is built alongside.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>Path of harmonylite.dll; run it with <c>dotnet</c>.</summary>
    public static string DllPath
    {
        get
        {
            var path = RepositoryLayout.Path("src", "Host", "bin", Configuration, "net8.0", "harmonylite.dll");
            if (!File.Exists(path))
                throw new FileNotFoundException($"harmonylite is not built at {path}; build the solution ({Configuration}) first.", path);
            return path;
        }
    }
}
