namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.file]</c> table (our addition): snapshots kept in a directory.</summary>
public sealed record SnapshotFileConfig
{
    /// <summary><c>path</c>: the directory; required when <c>snapshot.store = "file"</c>.</summary>
    public string Path { get; init => field = ConfigurationPath.Absolute(value); } = "";
}
