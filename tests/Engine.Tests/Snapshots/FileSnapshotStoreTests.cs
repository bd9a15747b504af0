using System.Security.Cryptography;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class FileSnapshotStoreTests
{
    [Fact]
    public async Task Put_list_download_delete_roundtrip_newest_first()
    {
        using var dir = new TempDirectory();
        await using var store = new FileSnapshotStore(dir.File("snapshots"));
        var older = Metadata(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), new byte[] { 1, 2, 3 });
        var newer = Metadata(DateTimeOffset.Parse("2026-01-02T00:00:00Z"), new byte[] { 4, 5 });
        await store.PutAsync(older, new MemoryStream(new byte[] { 1, 2, 3 }), CancellationToken.None);
        await store.PutAsync(newer, new MemoryStream(new byte[] { 4, 5 }), CancellationToken.None);

        var list = await store.ListAsync(CancellationToken.None);
        Assert.Equal(new[] { newer.Id, older.Id }, list.Select(m => m.Id));
        Assert.Equal(older.Positions, list[1].Positions);
        Assert.Equal(older.Sha256, list[1].Sha256);

        var copy = new MemoryStream();
        await store.DownloadAsync(older.Id, copy, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, copy.ToArray());

        await store.DeleteAsync(older.Id, CancellationToken.None);
        Assert.Equal(new[] { newer.Id }, (await store.ListAsync(CancellationToken.None)).Select(m => m.Id));
        await Assert.ThrowsAsync<SnapshotNotFoundException>(() => store.DownloadAsync(older.Id, new MemoryStream(), CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_upload_leaves_no_listed_snapshot()
    {
        using var dir = new TempDirectory();
        await using var store = new FileSnapshotStore(dir.Path);
        var metadata = Metadata(DateTimeOffset.UtcNow, new byte[] { 9 });
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(metadata, new FailingStream(), CancellationToken.None));
        Assert.Empty(await store.ListAsync(CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(dir.Path));
    }

    [Fact]
    public async Task A_file_is_taken_into_the_store_and_verifies_there()
    {
        using var dir = new TempDirectory();
        await using var store = new FileSnapshotStore(dir.File("snapshots"));
        var content = new byte[] { 5, 6, 7, 8 };
        var metadata = Metadata(DateTimeOffset.UtcNow, content);
        var file = dir.File("db.snapshot.tmp");
        await File.WriteAllBytesAsync(file, content);
        var reported = new List<SnapshotTransfer>();

        var placement = await store.PutFileAsync(metadata, file, new SynchronousProgress<SnapshotTransfer>(reported.Add), CancellationToken.None);

        Assert.Equal(SnapshotFilePlacement.Renamed, placement); // so the save need not read it back
        Assert.False(File.Exists(file));
        Assert.Equal([metadata.Id], (await store.ListAsync(CancellationToken.None)).Select(m => m.Id));
        await store.VerifyAsync(metadata, CancellationToken.None);
        var copy = new MemoryStream();
        await store.DownloadAsync(metadata.Id, copy, CancellationToken.None);
        Assert.Equal(content, copy.ToArray());
        Assert.Equal(content.Length, Assert.Single(reported).Bytes);
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.File("snapshots")), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_on_another_file_system_is_copied_in_and_said_to_be_copied()
    {
        // /dev/shm is a tmpfs on Linux: another file system than the temporary directory's, unless that is one too.
        if (!Directory.Exists("/dev/shm") || !File.ReadAllText("/proc/mounts").Contains(" /dev/shm ", StringComparison.Ordinal)) return;
        using var here = new TempDirectory();
        await using var store = new FileSnapshotStore(here.File("snapshots"));
        var content = new byte[] { 1, 2, 3 };
        var metadata = Metadata(DateTimeOffset.UtcNow, content);
        var file = Path.Combine("/dev/shm", $"harmonylite-test-{Guid.NewGuid():N}.snapshot.tmp");
        await File.WriteAllBytesAsync(file, content);
        try
        {
            var placement = await store.PutFileAsync(metadata, file, null, CancellationToken.None);

            Assert.Equal(SnapshotFilePlacement.Copied, placement); // so the save reads it back
            await store.VerifyAsync(metadata, CancellationToken.None);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_file_that_cannot_be_taken_leaves_no_listed_snapshot()
    {
        using var dir = new TempDirectory();
        await using var store = new FileSnapshotStore(dir.File("snapshots"));
        var metadata = Metadata(DateTimeOffset.UtcNow, new byte[] { 9 });
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.PutFileAsync(metadata, dir.File("gone.tmp"), null, CancellationToken.None));
        Assert.Empty(await store.ListAsync(CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(dir.File("snapshots")));
    }

    [Fact]
    public async Task Metadata_of_a_newer_format_is_refused_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        await using var store = new FileSnapshotStore(dir.Path);
        var metadata = Metadata(DateTimeOffset.UtcNow, new byte[] { 9 }) with { FormatVersion = 99 };
        await store.PutAsync(metadata, new MemoryStream(new byte[] { 9 }), CancellationToken.None);
        var error = await Assert.ThrowsAsync<SnapshotIntegrityException>(() => store.ListAsync(CancellationToken.None));
        Assert.Contains("format version 99", error.Message);
    }

    [Fact]
    public async Task A_listing_while_another_node_deletes_snapshots_lists_what_is_left_instead_of_failing()
    {
        // CI: a node's save listed the directory while another node's snapshot.keep deleted an old snapshot, and the
        // save failed with "Could not find file '<id>.json'".
        using var dir = new TempDirectory();
        await using var lister = new FileSnapshotStore(dir.Path);
        await using var deleter = new FileSnapshotStore(dir.Path);
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var saved = Enumerable.Range(0, 300).Select(i => Metadata(start.AddSeconds(i), new byte[] { 1 })).ToList();
        foreach (var metadata in saved) await deleter.PutAsync(metadata, new MemoryStream(new byte[] { 1 }), CancellationToken.None);

        var deleting = Task.Run(async () =>
        {
            foreach (var metadata in saved) await deleter.DeleteAsync(metadata.Id, CancellationToken.None);
        });
        var ids = saved.Select(m => m.Id).ToHashSet();
        var listings = 0;
        while (!deleting.IsCompleted || listings == 0)
        {
            Assert.All(await lister.ListAsync(CancellationToken.None), m => Assert.Contains(m.Id, ids));
            listings++;
        }
        await deleting;

        Assert.Empty(await lister.ListAsync(CancellationToken.None));
    }

    internal static SnapshotMetadata Metadata(DateTimeOffset createdAt, byte[] content) => new()
    {
        Id = SnapshotMetadata.NewId(createdAt, 7),
        NodeId = 7,
        CreatedAt = createdAt,
        Positions = new Dictionary<string, ulong> { ["harmonylite-changes-1"] = 42 },
        SchemaHash = "abc",
        Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
    };

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, after the call returned).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream() : base(new byte[1024]) { }
        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) => throw new IOException("disk went away");
    }
}
