namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.sftp]</c> table, as in the Go version (see Snapshots/Stores).</summary>
public sealed record SnapshotSftpConfig
{
    public string Url { get; init; } = "";

    /// <summary>The table as JSON with the password of its URL hidden.</summary>
    public override string ToString() => ConfigurationJsonWriter.Write(new HarmonyConfig { Snapshot = new SnapshotConfig { Sftp = this } }, "snapshot.sftp");
}
