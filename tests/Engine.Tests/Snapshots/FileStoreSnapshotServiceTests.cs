using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class FileStoreSnapshotServiceTests : SnapshotServiceContract
{
    protected override HarmonyConfig Config(string databasePath, long nodeId, int keep = 3) =>
        SnapshotTesting.FileStoreConfig(databasePath, nodeId, Directory.File("store"), keep);

    protected override bool TakesFileByRename => true;

    protected override async Task CorruptAsync(SnapshotService service, SnapshotMetadata snapshot)
    {
        var file = Path.Combine(((FileSnapshotStore)service.Store).Directory, snapshot.Id + ".db");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes);
    }
}
