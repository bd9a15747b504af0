namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.webdav]</c> table, as in the Go version (see Snapshots/Stores).</summary>
public sealed record SnapshotWebDavConfig
{
    public string Url { get; init; } = "";
}
