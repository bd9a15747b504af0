using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace HarmonyLite.Engine.Tests.Snapshots.Stores;

/// <summary>Run alone: they measure this process's managed heap, which other tests running beside them would swell.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeSnapshotCollection
{
    public const string Name = "large snapshots";
}

/// <summary>A database of <see cref="Megabytes"/> MB of incompressible rows, made once for the large-snapshot tests.</summary>
public sealed class LargeDatabaseFixture : IAsyncLifetime
{
    public const int Megabytes = 500;

    public TempDirectory Directory { get; } = new("harmonylite-large-snapshot");

    public string Path => Directory.File("large.db");

    public Task InitializeAsync() => SqliteCli.RunAsync(Path, $"""
        CREATE TABLE blobs(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Megabytes})
        INSERT INTO blobs SELECT i, randomblob(1048576) FROM n;
        """);

    public Task DisposeAsync()
    {
        Directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A snapshot of 500 MB is saved to and restored from each remote store while the managed heap is watched: it must
/// stay far below the snapshot's size, so the bytes stream through and never sit in memory whole.
/// </summary>
[Collection(LargeSnapshotCollection.Name)]
public sealed class LargeSnapshotTests : IClassFixture<LargeDatabaseFixture>, IClassFixture<S3ServerFixture>, IClassFixture<WebDavServerFixture>, IClassFixture<SftpServerFixture>
{
    /// <summary>A quarter of the snapshot: room for a part buffer, the clients' own buffers and garbage not yet collected.</summary>
    private const long HeapLimit = LargeDatabaseFixture.Megabytes / 4 * 1024L * 1024;

    private readonly LargeDatabaseFixture _database;
    private readonly S3ServerFixture _s3;
    private readonly WebDavServerFixture _webDav;
    private readonly SftpServerFixture _sftp;
    private readonly ITestOutputHelper _output;

    public LargeSnapshotTests(LargeDatabaseFixture database, S3ServerFixture s3, WebDavServerFixture webDav, SftpServerFixture sftp, ITestOutputHelper output)
    {
        (_database, _s3, _webDav, _sftp, _output) = (database, s3, webDav, sftp, output);
    }

    [Fact]
    public Task S3_streams_a_500_MB_snapshot_both_ways()
    {
        var s3 = new SnapshotS3Config { Endpoint = _s3.Endpoint, Bucket = StoreConfigs.Unique("large"), AccessKey = S3ServerFixture.AccessKey, Secret = S3ServerFixture.Secret };
        return SaveAndRestoreAsync(path => StoreConfigs.S3(path, 1, s3));
    }

    [Fact]
    public Task WebDav_streams_a_500_MB_snapshot_both_ways()
    {
        var url = _webDav.Url("/" + StoreConfigs.Unique("large"));
        return SaveAndRestoreAsync(path => StoreConfigs.WebDav(path, 1, url));
    }

    [Fact]
    public Task Sftp_streams_a_500_MB_snapshot_both_ways()
    {
        var url = _sftp.Url(System.IO.Path.Combine(_sftp.FilesDirectory, StoreConfigs.Unique("large")));
        return SaveAndRestoreAsync(path => StoreConfigs.Sftp(path, 1, url));
    }

    private async Task SaveAndRestoreAsync(Func<string, HarmonyConfig> config)
    {
        using var target = new TempDirectory("harmonylite-large-restore");
        SnapshotMetadata saved;
        long savePeak, restorePeak;
        await using (var source = await SnapshotService.OpenAsync(config(_database.Path), NullLoggerFactory.Instance, CancellationToken.None))
        {
            (saved, savePeak) = await WatchHeapAsync(() => source.SaveAsync(CancellationToken.None));
        }
        await using (var restoring = await SnapshotService.OpenAsync(config(target.File("restored.db")) with { NodeId = 2 }, NullLoggerFactory.Instance, CancellationToken.None))
        {
            (_, restorePeak) = await WatchHeapAsync(() => restoring.RestoreAsync(saved.Id, CancellationToken.None));
            await restoring.Store.DeleteAsync(saved.Id, CancellationToken.None);
        }
        _output.WriteLine($"snapshot {saved.Size >> 20} MiB; managed heap peak above the start: saving {savePeak >> 20} MiB, restoring {restorePeak >> 20} MiB");

        Assert.True(saved.Size >= LargeDatabaseFixture.Megabytes * 1_000_000L, $"the snapshot is only {saved.Size} bytes");
        Assert.Equal(LargeDatabaseFixture.Megabytes, (long)SnapshotTesting.Scalar(target.File("restored.db"), "SELECT count(*) FROM blobs")!);
        Assert.True(savePeak < HeapLimit, $"saving grew the managed heap by {savePeak >> 20} MiB for a {saved.Size >> 20} MiB snapshot");
        Assert.True(restorePeak < HeapLimit, $"restoring grew the managed heap by {restorePeak >> 20} MiB for a {saved.Size >> 20} MiB snapshot");
    }

    /// <summary>Runs <paramref name="work"/> while sampling the managed heap; returns its result and the heap's greatest growth.</summary>
    private static async Task<(T Result, long Peak)> WatchHeapAsync<T>(Func<Task<T>> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var start = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - start);
                try { await Task.Delay(10, stop.Token); }
                catch (OperationCanceledException) { }
            }
        });
        try
        {
            return (await work(), Volatile.Read(ref peak));
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }
    }
}
