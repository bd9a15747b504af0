namespace HarmonyLite.Engine.Configuration;

/// <summary>The values of <c>snapshot.store</c>. Only <see cref="Nats"/> and <see cref="File"/> pass validation.</summary>
public enum SnapshotStoreKind
{
    /// <summary><c>"nats"</c>: a JetStream Object Store bucket.</summary>
    Nats,

    /// <summary><c>"file"</c> (our addition): a directory.</summary>
    File,

    /// <summary><c>"s3"</c>: parsed for compatibility with the Go configuration; refused by validation.</summary>
    S3,

    /// <summary><c>"webdav"</c>: parsed for compatibility with the Go configuration; refused by validation.</summary>
    WebDav,

    /// <summary><c>"sftp"</c>: parsed for compatibility with the Go configuration; refused by validation.</summary>
    Sftp,
}
