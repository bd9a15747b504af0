namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot.nats]</c> table.</summary>
public sealed record SnapshotNatsConfig
{
    /// <summary><c>replicas</c>: copies of the Object Store bucket (1 to 5).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>bucket</c>: the Object Store bucket; when empty in the file, <c>&lt;stream_prefix&gt;-snapshot-store</c>.</summary>
    public string Bucket { get; init; } = "";
}
