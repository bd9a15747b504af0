namespace HarmonyLite.Engine.Snapshots;

/// <summary>
/// Names and removes the temporary files of saving and restoring. They live next to the database (same file system,
/// so a restored file can be renamed into place) and carry the database's name, so an operator sees what they are.
/// </summary>
internal static class TemporaryFiles
{
    public static string SnapshotCopy(string databasePath) => $"{databasePath}.snapshot-{Guid.NewGuid():N}.tmp";

    public static string Download(string databasePath) => $"{databasePath}.restore-{Guid.NewGuid():N}.tmp";

    /// <summary>Deletes a file and the -journal/-wal/-shm SQLite may have left beside it; missing files are fine.</summary>
    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-journal", path + "-wal", path + "-shm" })
        {
            try { File.Delete(file); }
            catch (DirectoryNotFoundException) { }
        }
    }
}
