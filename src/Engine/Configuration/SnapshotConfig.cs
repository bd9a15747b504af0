namespace HarmonyLite.Engine.Configuration;

/// <summary>The <c>[snapshot]</c> table.</summary>
public sealed record SnapshotConfig
{
    /// <summary><c>enabled</c>: save and restore snapshots.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>store</c>: where snapshots go.</summary>
    public SnapshotStoreKind Store { get; init; } = SnapshotStoreKind.Nats;

    /// <summary><c>interval</c> (milliseconds): save a snapshot this often; zero disables timed snapshots.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.Zero;

    /// <summary><c>leader_ttl</c> (milliseconds): lifetime of the lease that lets one node at a time save.</summary>
    public TimeSpan LeaderTtl { get; init; } = TimeSpan.FromMilliseconds(30_000);

    /// <summary><c>keep</c> (our addition): how many snapshots the store keeps.</summary>
    public int Keep { get; init; } = 3;

    public SnapshotNatsConfig Nats { get; init; } = new();

    /// <summary><c>[snapshot.file]</c> (our addition).</summary>
    public SnapshotFileConfig File { get; init; } = new();

    public SnapshotS3Config S3 { get; init; } = new();

    public SnapshotWebDavConfig WebDav { get; init; } = new();

    public SnapshotSftpConfig Sftp { get; init; } = new();

    /// <summary>The table as JSON with its secrets hidden.</summary>
    public override string ToString() => ConfigurationJsonWriter.Write(new HarmonyConfig { Snapshot = this }, "snapshot");
}
