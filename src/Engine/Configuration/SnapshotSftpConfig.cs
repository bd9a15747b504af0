namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.sftp]</c> table, kept for compatibility with Go configurations; this version cannot use SFTP.</summary>
public sealed record SnapshotSftpConfig
{
    public string Url { get; init; } = "";
}
