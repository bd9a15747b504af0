using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>Node configurations that keep snapshots in one of the remote stores.</summary>
internal static class StoreConfigs
{
    public static HarmonyConfig S3(string databasePath, long nodeId, SnapshotS3Config s3, int keep = 3) =>
        With(databasePath, nodeId, keep, s => s with { Store = SnapshotStoreKind.S3, S3 = s3 });

    public static HarmonyConfig WebDav(string databasePath, long nodeId, string url, int keep = 3) =>
        With(databasePath, nodeId, keep, s => s with { Store = SnapshotStoreKind.WebDav, WebDav = new SnapshotWebDavConfig { Url = url } });

    public static HarmonyConfig Sftp(string databasePath, long nodeId, string url, int keep = 3) =>
        With(databasePath, nodeId, keep, s => s with { Store = SnapshotStoreKind.Sftp, Sftp = new SnapshotSftpConfig { Url = url } });

    /// <summary>A short unique name, for a bucket or a folder of one test.</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    private static HarmonyConfig With(string databasePath, long nodeId, int keep, Func<SnapshotConfig, SnapshotConfig> store) => new()
    {
        DbPath = databasePath,
        NodeId = nodeId,
        Snapshot = store(new SnapshotConfig { Keep = keep }),
    };
}
