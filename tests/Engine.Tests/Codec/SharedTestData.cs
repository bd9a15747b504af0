namespace HarmonyLite.Engine.Tests.Codec;

/// <summary>
/// The reference data under <c>../shared/testdata</c> next to the repository root (the folder that
/// holds HarmonyLite.PowerShell.sln), read in place.
/// </summary>
internal static class SharedTestData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string PathOf(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "HarmonyLite.PowerShell.sln")))
            {
                continue;
            }

            var testData = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "testdata"));
            return Directory.Exists(testData)
                ? testData
                : throw new DirectoryNotFoundException($"The shared test data is missing: expected it at {testData} (../shared/testdata from the repository root).");
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds HarmonyLite.PowerShell.sln, so ../shared/testdata cannot be located.");
    }
}
