namespace HarmonyLite.TestSupport;

/// <summary>Finds the repository checkout the tests run from, for example files and shared test data.</summary>
public static class RepositoryLayout
{
    private const string SolutionFile = "HarmonyLite.PowerShell.sln";

    /// <summary>The folder holding the solution file, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root, e.g. <c>Path("examples", "node-1.toml")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}; run the tests from a repository checkout.");
    }
}
