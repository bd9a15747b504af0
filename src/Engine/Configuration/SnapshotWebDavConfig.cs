namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.webdav]</c> table, kept for compatibility with Go configurations; this version cannot use WebDAV.</summary>
public sealed record SnapshotWebDavConfig
{
    public string Url { get; init; } = "";
}
