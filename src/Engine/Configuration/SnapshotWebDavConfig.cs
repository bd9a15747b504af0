namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.webdav]</c> table, as in the Go version (see Snapshots/Stores).</summary>
public sealed record SnapshotWebDavConfig
{
    public string Url { get; init; } = "";

    /// <summary>The table as JSON with the password of its URL hidden.</summary>
    public override string ToString() => ConfigurationJsonWriter.Write(new HarmonyConfig { Snapshot = new SnapshotConfig { WebDav = this } }, "snapshot.webdav");
}
