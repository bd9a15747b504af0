using System.Security.Cryptography;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Snapshots.Stores;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>
/// What every remote store (s3, webdav, sftp) promises beyond the <see cref="SnapshotServiceContract"/>: a snapshot is
/// listed only once whole, a restore checks its SHA-256 and PRAGMA integrity_check whatever the server holds, and
/// leftovers of saves that never finished are cleaned up.
/// </summary>
public abstract class RemoteStoreContract : SnapshotServiceContract
{
    /// <summary>Names of the files the server holds for the store, looked at on the server's own disk.</summary>
    protected abstract IReadOnlyList<string> ServerFileNames();

    /// <summary>Where the server keeps the file <paramref name="name"/> of the store on its own disk.</summary>
    protected abstract string ServerPath(string name);

    /// <summary>The names of the files in <paramref name="directory"/>; none when it does not exist.</summary>
    protected static IReadOnlyList<string> FileNamesIn(string directory) =>
        System.IO.Directory.Exists(directory) ? System.IO.Directory.EnumerateFiles(directory).Select(f => Path.GetFileName(f)).ToList() : [];

    [Fact]
    public async Task The_server_holds_each_snapshot_as_the_sqlite_file_itself()
    {
        var path = await NodeDatabaseAsync("plain.db", nodeId: 3, rows: 20);
        await using var service = await OpenAsync(Config(path, 3));
        var saved = await service.SaveAsync(CancellationToken.None);

        var file = ServerPath(saved.Id + ".db");
        Assert.Equal(saved.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        Assert.Equal("ok", SnapshotTesting.IntegrityCheck(file));
        Assert.Equal(21L, SnapshotTesting.Scalar(file, "SELECT count(*) FROM notes"));
    }

    private protected static IRemoteFolder FolderOf(SnapshotService service) => ((RemoteSnapshotStore)service.Store).Folder;

    /// <summary>Flips a byte in the middle of the stored data; the metadata still describes the original.</summary>
    protected override async Task CorruptAsync(SnapshotService service, SnapshotMetadata snapshot)
    {
        var bytes = await DownloadAsync(FolderOf(service), snapshot.Id + ".db");
        bytes[bytes.Length / 2] ^= 0x5A;
        await FolderOf(service).UploadAsync(snapshot.Id + ".db", new MemoryStream(bytes), bytes.Length, CancellationToken.None);
    }

    [Fact]
    public async Task A_snapshot_is_not_listed_while_its_upload_is_under_way()
    {
        var path = await NodeDatabaseAsync("gated.db", nodeId: 1, rows: 1);
        await using var service = await OpenAsync(Config(path, 1));
        // Bigger than one S3 part, so the S3 store is mid-way through a multipart upload when the content stalls.
        var content = RandomNumberGenerator.GetBytes(20 << 20);
        var metadata = new SnapshotMetadata
        {
            Id = SnapshotMetadata.NewId(DateTimeOffset.UtcNow, 1),
            NodeId = 1,
            CreatedAt = DateTimeOffset.UtcNow,
            Positions = new Dictionary<string, ulong>(),
            SchemaHash = "none",
            Size = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
        };
        var gate = new GatedStream(content, stallAt: 18 << 20);
        var upload = service.Store.PutAsync(metadata, gate, CancellationToken.None);

        await gate.Stalled.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Empty(await service.ListAsync(CancellationToken.None));
        Assert.DoesNotContain(metadata.Id + ".db", ServerFileNames());
        Assert.DoesNotContain(metadata.Id + ".json", ServerFileNames());
        gate.Release();
        await upload;

        Assert.Equal(metadata, Assert.Single(await service.ListAsync(CancellationToken.None)) with { Positions = metadata.Positions });
        await service.Store.VerifyAsync(metadata, CancellationToken.None);
        Assert.Equal([metadata.Id + ".db", metadata.Id + ".json"], ServerFileNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_damaged_snapshot_whose_metadata_matches_its_bytes_fails_integrity_check_and_changes_nothing()
    {
        var sourcePath = await NodeDatabaseAsync("source.db", nodeId: 1, rows: 200);
        await using var source = await OpenAsync(Config(sourcePath, 1));
        var saved = await source.SaveAsync(CancellationToken.None);

        // Make page 2 no b-tree page at all, and describe exactly those bytes in the metadata: only SQLite can tell.
        var folder = FolderOf(source);
        var bytes = await DownloadAsync(folder, saved.Id + ".db");
        var pageSize = bytes[16] << 8 | bytes[17];
        bytes[pageSize] = 0x42;
        var damaged = saved with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
        await folder.UploadAsync(saved.Id + ".db", new MemoryStream(bytes), bytes.Length, CancellationToken.None);
        var json = SnapshotJson.Serialize(damaged);
        await folder.UploadAsync(saved.Id + ".json", new MemoryStream(json), json.Length, CancellationToken.None);

        var targetPath = await NodeDatabaseAsync("target.db", nodeId: 2, rows: 4);
        var before = await File.ReadAllBytesAsync(targetPath);
        await using var target = await OpenAsync(Config(targetPath, 2));
        var error = await Assert.ThrowsAsync<SnapshotIntegrityException>(() => target.RestoreAsync(saved.Id, CancellationToken.None));

        Assert.True(error.Message.Contains("integrity_check", StringComparison.Ordinal) || error.Message.Contains("not a readable SQLite database", StringComparison.Ordinal), error.Message);
        Assert.Contains("Nothing was changed", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(targetPath));
    }

    [Fact]
    public async Task Leftovers_of_saves_that_never_finished_are_deleted_once_a_day_old()
    {
        var path = await NodeDatabaseAsync("leftovers.db", nodeId: 1, rows: 2);
        await using var service = await OpenAsync(Config(path, 1));
        var folder = FolderOf(service);
        var old = SnapshotMetadata.NewId(DateTimeOffset.UtcNow.AddDays(-2), 7);
        var recent = SnapshotMetadata.NewId(DateTimeOffset.UtcNow.AddMinutes(-5), 7);
        string[] leftovers = [old + ".db", old + ".db.partial-0123", recent + ".db.partial-4567", "notes.txt"];
        foreach (var name in leftovers)
            await folder.UploadAsync(name, new MemoryStream("x"u8.ToArray()), 1, CancellationToken.None);

        var saved = await service.SaveAsync(CancellationToken.None);

        var names = (await folder.ListAsync(CancellationToken.None)).Select(f => f.Name).Order(StringComparer.Ordinal);
        Assert.Equal([recent + ".db.partial-4567", saved.Id + ".db", saved.Id + ".json", "notes.txt"], names);
    }

    private protected static async Task<byte[]> DownloadAsync(IRemoteFolder folder, string name)
    {
        using var bytes = new MemoryStream();
        Assert.True(await folder.DownloadAsync(name, bytes, CancellationToken.None), $"{name} is not in the {folder.Description}");
        return bytes.ToArray();
    }

    /// <summary>Serves its bytes until <c>stallAt</c>, then waits for <see cref="Release"/>.</summary>
    private sealed class GatedStream(byte[] content, int stallAt) : Stream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Stalled => _stalled.Task;
        public void Release() => _released.TrySetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= stallAt && !_released.Task.IsCompleted)
            {
                _stalled.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }
            var limit = _released.Task.IsCompleted ? content.Length : stallAt;
            var count = Math.Min(buffer.Length, limit - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
