namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.sftp]</c> table, as in the Go version (see Snapshots/Stores).</summary>
public sealed record SnapshotSftpConfig
{
    public string Url { get; init; } = "";
}
