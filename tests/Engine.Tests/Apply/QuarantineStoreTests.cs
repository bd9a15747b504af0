using HarmonyLite.Engine.Apply;
using HarmonyLite.Engine.Capture;
using HarmonyLite.Engine.Tests.Capture;
using HarmonyLite.Engine.Tests.Common;
using HarmonyLite.Engine.Tests.Sqlite;
using Xunit;

namespace HarmonyLite.Engine.Tests.Apply;

public sealed class QuarantineStoreTests
{
    [Fact]
    public async Task Messages_are_added_listed_counted_replaced_and_deleted()
    {
        await using var node = await CapturedDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);");
        var clock = new ManualClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var store = await QuarantineStore.OpenAsync(node.Path, null, CancellationToken.None, clock);
        byte[] raw = [0, 1, 0, 255, 0];

        var first = await store.AddAsync("shard-1", 7, raw, "table 'x' does not exist", 5, CancellationToken.None);
        var second = await store.AddAsync("shard-0", 9, Array.Empty<byte>(), "UNIQUE constraint failed", 3, CancellationToken.None);
        clock.Now = clock.Now.AddMinutes(1);
        var again = await store.AddAsync("shard-1", 7, raw, "still failing", 10, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.NotEqual(first, second);
        Assert.Equal(2, await store.CountAsync(CancellationToken.None));
        var listed = await store.ListAsync(null, CancellationToken.None);
        Assert.Equal([("shard-0", 9UL), ("shard-1", 7UL)], listed.Select(m => (m.Stream, m.Sequence)));
        Assert.Equal(raw, listed[1].Message);
        Assert.Empty(listed[0].Message);
        Assert.Equal(("still failing", 10, clock.Now), (listed[1].Error, listed[1].Attempts, listed[1].QuarantinedAt));
        Assert.Single(await store.ListAsync(1, CancellationToken.None));

        Assert.True(await store.DeleteAsync(first, CancellationToken.None));
        Assert.False(await store.DeleteAsync(first, CancellationToken.None));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
        Assert.Equal(1L, await node.Database.CountAsync(CaptureArtifactNames.Quarantine));
    }

    [Fact]
    public async Task The_store_needs_capture_installed()
    {
        using var bare = await TestDatabase.CreateAsync("CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);");

        await Assert.ThrowsAsync<CaptureNotInstalledException>(() => QuarantineStore.OpenAsync(bare.Path, null, CancellationToken.None));
    }
}
