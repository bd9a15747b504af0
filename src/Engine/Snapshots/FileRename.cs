using System.Runtime.InteropServices;

namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// rename(2) itself: <see cref="File.Move(string, string, bool)"/> falls back to a copy across file systems without
/// saying so, and a store that skips reading a file back must know it was not copied.
/// </summary>
internal static partial class FileRename
{
    /// <summary>
    /// Renames <paramref name="source"/> over <paramref name="destination"/> when both are on one file system; false
    /// (nothing changed) when they are not, when rename(2) refused for another reason, or where there is no rename(2).
    /// </summary>
    public static bool TryOnOneFileSystem(string source, string destination) =>
        !OperatingSystem.IsWindows() && Rename(source, destination) == 0;

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string source, string destination);
}
