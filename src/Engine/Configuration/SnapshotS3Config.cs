namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.s3]</c> table, as in the Go version (see Snapshots/Stores).</summary>
public sealed record SnapshotS3Config
{
    public string Path { get; init; } = "";

    public string Endpoint { get; init; } = "";

    public string AccessKey { get; init; } = "";

    public string Secret { get; init; } = "";

    public string SessionToken { get; init; } = "";

    public string Bucket { get; init; } = "";

    public bool UseSsl { get; init; }

    /// <summary>The table as JSON with its secrets hidden.</summary>
    public override string ToString() => ConfigurationJsonWriter.Write(new HarmonyConfig { Snapshot = new SnapshotConfig { S3 = this } }, "snapshot.s3");
}
