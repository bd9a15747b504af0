using HarmonyLite.Engine.Messaging;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>Compare-and-set on a real KV bucket: what the snapshot lease (and later the cluster state) rely on.</summary>
public sealed class KeyValueBucketTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _nats;

    public KeyValueBucketTests(NatsServerFixture nats) => _nats = nats;

    private static KeyValueBucketSettings Settings(TimeSpan maxAge = default) =>
        new($"kv-{Guid.NewGuid():N}"[..12], "test bucket", 1, "test.replicas", maxAge);

    [Fact]
    public async Task Create_conflicts_with_a_value_but_not_with_a_deleted_key_and_updates_and_deletes_need_the_current_revision()
    {
        await using var connection = await TestMessaging.ConnectAsync(_nats.Url);
        var bucket = await connection.OpenKeyValueBucketAsync(Settings(), NullLogger.Instance, CancellationToken.None);

        Assert.Null(await bucket.GetAsync("lease", CancellationToken.None));
        var created = await bucket.TryCreateAsync("lease", "1"u8.ToArray(), CancellationToken.None);
        Assert.NotNull(created);
        Assert.Null(await bucket.TryCreateAsync("lease", "2"u8.ToArray(), CancellationToken.None));

        var updated = await bucket.TryUpdateAsync("lease", "1b"u8.ToArray(), created!.Value, CancellationToken.None);
        Assert.True(updated > created);
        Assert.Null(await bucket.TryUpdateAsync("lease", "stale"u8.ToArray(), created.Value, CancellationToken.None));
        var entry = await bucket.GetAsync("lease", CancellationToken.None);
        Assert.Equal(("1b", updated!.Value), (System.Text.Encoding.UTF8.GetString(entry!.Value.Span), entry.Revision));

        Assert.False(await bucket.TryDeleteAsync("lease", created.Value, CancellationToken.None));
        Assert.True(await bucket.TryDeleteAsync("lease", updated.Value, CancellationToken.None));
        Assert.Null(await bucket.GetAsync("lease", CancellationToken.None));
        Assert.NotNull(await bucket.TryCreateAsync("lease", "3"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task Entries_expire_after_the_buckets_max_age()
    {
        await using var connection = await TestMessaging.ConnectAsync(_nats.Url);
        var bucket = await connection.OpenKeyValueBucketAsync(Settings(TimeSpan.FromSeconds(1)), NullLogger.Instance, CancellationToken.None);
        Assert.NotNull(await bucket.TryCreateAsync("k", "v"u8.ToArray(), CancellationToken.None));
        await Eventually.WaitUntilAsync(async () => await bucket.GetAsync("k", CancellationToken.None) is null, "the entry expiring", TimeSpan.FromSeconds(15));
        Assert.NotNull(await bucket.TryCreateAsync("k", "again"u8.ToArray(), CancellationToken.None));
    }

    [Fact]
    public async Task Read_all_lists_every_key_with_a_value_and_leaves_out_deleted_ones()
    {
        await using var connection = await TestMessaging.ConnectAsync(_nats.Url);
        var bucket = await connection.OpenKeyValueBucketAsync(Settings(), NullLogger.Instance, CancellationToken.None);
        Assert.Empty(await bucket.ReadAllAsync(CancellationToken.None));

        await bucket.PutAsync("1", "a"u8.ToArray(), CancellationToken.None);
        await bucket.PutAsync("2", "b"u8.ToArray(), CancellationToken.None);
        var overwritten = await bucket.PutAsync("1", "a2"u8.ToArray(), CancellationToken.None);
        var revision = await bucket.PutAsync("3", "c"u8.ToArray(), CancellationToken.None);
        Assert.True(await bucket.TryDeleteAsync("3", revision, CancellationToken.None));

        var entries = (await bucket.ReadAllAsync(CancellationToken.None)).OrderBy(e => e.Key).ToList();
        Assert.Equal(["1", "2"], entries.Select(e => e.Key));
        Assert.Equal(("a2", overwritten), (System.Text.Encoding.UTF8.GetString(entries[0].Value.Span), entries[0].Revision));
    }
}
