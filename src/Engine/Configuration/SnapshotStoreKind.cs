namespace HarmonyLite.Engine.Configuration;

/// <summary>The values of <c>snapshot.store</c>.</summary>
public enum SnapshotStoreKind
{
    /// <summary><c>"nats"</c>: a JetStream Object Store bucket.</summary>
    Nats,

    /// <summary><c>"file"</c> (our addition): a directory.</summary>
    File,

    /// <summary><c>"s3"</c>: an S3 bucket (or any S3-compatible server).</summary>
    S3,

    /// <summary><c>"webdav"</c>: a WebDAV folder.</summary>
    WebDav,

    /// <summary><c>"sftp"</c>: a folder on an SSH server.</summary>
    Sftp,
}
