namespace HarmonyLite.Engine.Configuration;

/// <summary>Path settings are absolute from the moment they are set: relative to the working directory, as in Go HarmonyLite.</summary>
internal static class ConfigurationPath
{
    /// <summary>The absolute form of <paramref name="path"/>; an empty path (not set) stays empty.</summary>
    public static string Absolute(string path) => path.Length == 0 ? path : Path.GetFullPath(path);
}
