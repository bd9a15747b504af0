using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.ObjectStore;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.Nats.Tests.JetStream;
using HarmonyLite.TestSupport;
using Xunit;
using Bucket = HarmonyLite.Nats.ObjectStore.ObjectStore;

namespace HarmonyLite.Nats.Tests.ObjectStore;

public sealed class ObjectStoreTests : IClassFixture<NatsServerFixture>
{
    private const int DefaultChunk = 128 * 1024;
    private readonly NatsServerFixture _server;

    public ObjectStoreTests(NatsServerFixture server) => _server = server;

    private async Task<(NatsConnection Nats, Bucket Store)> BucketAsync(StorageType storage = StorageType.Memory)
    {
        var nats = await Connect.ToAsync(_server.Url, o => o with { RequestTimeout = TimeSpan.FromSeconds(15) });
        var js = new JetStreamContext(nats);
        var store = await js.CreateObjectStoreAsync(new ObjectStoreConfig(Unique.Name("obj")) { Storage = storage, Description = "test bucket" });
        return (nats, store);
    }

    private static byte[] Sha256Of(Stream stream) => SHA256.HashData(stream);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(DefaultChunk, 1)]
    [InlineData(DefaultChunk + 1, 2)]
    public async Task Objects_round_trip_with_their_digest(int size, int chunks)
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        var put = await store.PutAsync("blob.bin", new PatternStream(size, seed: 7));
        Assert.Equal((ulong)size, put.Size);
        Assert.Equal((uint)chunks, put.Chunks);
        Assert.Equal("SHA-256=" + Convert.ToBase64String(Sha256Of(new PatternStream(size, 7))).Replace('+', '-').Replace('/', '_'), put.Digest);

        using var read = new MemoryStream();
        var got = await store.GetAsync("blob.bin", read);
        Assert.Equal(put.Nuid, got.Nuid);
        Assert.Equal(Sha256Of(new PatternStream(size, 7)), SHA256.HashData(read.ToArray()));
        Assert.Equal(size, read.Length);
    }

    [Fact]
    public async Task Fifty_MiB_object_streams_through_in_chunks()
    {
        const long size = 50L * 1024 * 1024;
        var (nats, store) = await BucketAsync(StorageType.File);
        await using var _ = nats;
        var put = await store.PutAsync(new ObjectMeta("big.bin") { Description = "fifty MiB" }, new PatternStream(size, seed: 3));
        Assert.Equal((ulong)size, put.Size);
        Assert.Equal((uint)(size / DefaultChunk), put.Chunks);

        using var sha = SHA256.Create();
        await using (var sink = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
        {
            var got = await store.GetAsync("big.bin", sink);
            Assert.Equal("fifty MiB", got.Description);
        }
        Assert.Equal(Sha256Of(new PatternStream(size, 3)), sha.Hash);
    }

    [Fact]
    public async Task A_replaced_chunk_fails_the_digest_check()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        var info = await store.PutAsync(new ObjectMeta("doc") { MaxChunkSize = 1000 }, new PatternStream(2500, seed: 9));
        Assert.Equal(3U, info.Chunks);

        // Swap the last chunk for one of the same length with other bytes: same count, same size, other content.
        var js = store.JetStream;
        var chunkSubject = $"$O.{store.Bucket}.C.{info.Nuid}";
        var last = await js.GetLastMessageAsync(store.StreamName, chunkSubject);
        await js.DeleteMessageAsync(store.StreamName, last.Sequence);
        var corrupt = last.Data.ToArray();
        corrupt[0] ^= 0xFF;
        await js.PublishAsync(chunkSubject, corrupt);

        using var read = new MemoryStream();
        var ex = await Assert.ThrowsAsync<ObjectStoreDigestMismatchException>(() => store.GetAsync("doc", read));
        Assert.Equal(info.Digest, ex.ExpectedDigest);
        Assert.NotEqual(ex.ExpectedDigest, ex.ActualDigest);
        Assert.Contains("corrupt", ex.Message);
    }

    [Fact]
    public async Task An_extra_chunk_fails_the_chunk_count_check()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        var info = await store.PutAsync(new ObjectMeta("doc") { MaxChunkSize = 1000 }, new PatternStream(1500));
        await store.JetStream.PublishAsync($"$O.{store.Bucket}.C.{info.Nuid}", "intruder"u8.ToArray());
        var ex = await Assert.ThrowsAsync<ObjectStoreIntegrityException>(() => store.GetAsync("doc", Stream.Null));
        Assert.Contains("should have 2 chunks", ex.Message);
    }

    [Fact]
    public async Task Objects_are_listed_read_deleted_and_replaced()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        await store.PutAsync("a", new PatternStream(10));
        var b = await store.PutAsync("b", new PatternStream(20));
        await store.PutAsync("c", new PatternStream(30));

        Assert.Equal(["a", "b", "c"], (await store.ListAsync().ToListAsync()).Select(i => i.Name).Order());
        Assert.Equal(20UL, (await store.GetInfoAsync("b")).Size);

        await store.DeleteAsync("b");
        Assert.Equal(["a", "c"], (await store.ListAsync().ToListAsync()).Select(i => i.Name).Order());
        var all = await store.ListAsync(includeDeleted: true).ToListAsync();
        Assert.True(Assert.Single(all, i => i.Name == "b").Deleted);
        var missing = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetInfoAsync("b"));
        Assert.Equal("b", missing.Name);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetAsync("b", Stream.Null));
        Assert.True((await store.GetInfoAsync("b", includeDeleted: true)).Deleted);
        Assert.Equal(0UL, await ChunkCountAsync(store, b.Nuid));

        // Replacing an object purges the old version's chunks.
        var a1 = await store.GetInfoAsync("a");
        var a2 = await store.PutAsync("a", new PatternStream(5000, seed: 2));
        Assert.NotEqual(a1.Nuid, a2.Nuid);
        Assert.Equal(0UL, await ChunkCountAsync(store, a1.Nuid));
        Assert.Equal(1UL, await ChunkCountAsync(store, a2.Nuid));
        using var read = new MemoryStream();
        await store.GetAsync("a", read);
        Assert.Equal(Sha256Of(new PatternStream(5000, 2)), SHA256.HashData(read.ToArray()));

        // A deleted name can be stored again.
        await store.PutAsync("b", new PatternStream(3));
        Assert.False((await store.GetInfoAsync("b")).Deleted);
    }

    [Fact]
    public async Task Metadata_is_stored_in_the_official_json_layout()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        const string name = "reports/2024 Q1.pdf";
        var info = await store.PutAsync(new ObjectMeta(name)
        {
            Description = "quarterly",
            Headers = new Dictionary<string, IReadOnlyList<string>> { ["Content-Type"] = ["application/pdf"] },
            Metadata = new Dictionary<string, string> { ["owner"] = "ops" },
        }, new PatternStream(100));

        var metaSubject = $"$O.{store.Bucket}.M.{Convert.ToBase64String(Encoding.UTF8.GetBytes(name)).Replace('+', '-').Replace('/', '_')}";
        var raw = await store.JetStream.GetLastMessageAsync(store.StreamName, metaSubject);
        Assert.Equal("sub", raw.Headers![JetStreamHeaders.Rollup]);
        using var doc = JsonDocument.Parse(raw.Data);
        var root = doc.RootElement;
        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal("quarterly", root.GetProperty("description").GetString());
        Assert.Equal("application/pdf", root.GetProperty("headers").GetProperty("Content-Type")[0].GetString());
        Assert.Equal("ops", root.GetProperty("metadata").GetProperty("owner").GetString());
        Assert.Equal(DefaultChunk, root.GetProperty("options").GetProperty("max_chunk_size").GetInt32());
        Assert.Equal(store.Bucket, root.GetProperty("bucket").GetString());
        Assert.Equal(info.Nuid, root.GetProperty("nuid").GetString());
        Assert.Equal(100, root.GetProperty("size").GetInt64());
        Assert.Equal(1, root.GetProperty("chunks").GetInt32());
        Assert.StartsWith("SHA-256=", root.GetProperty("digest").GetString());
        Assert.True(root.GetProperty("mtime").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.False(root.TryGetProperty("deleted", out var deleted), $"deleted present: {deleted}");
        var streamInfo = await store.JetStream.GetStreamInfoAsync(store.StreamName);
        Assert.Equal([$"$O.{store.Bucket}.C.>", $"$O.{store.Bucket}.M.>"], streamInfo.Config.Subjects);
        Assert.True(streamInfo.Config.AllowRollupHeaders);
    }

    [Fact]
    public async Task Metadata_written_by_the_go_client_is_read()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        // The shape nats.go writes (time with nanoseconds, zero-valued members left out); content "hello".
        var json = $$"""{"name":"hello.txt","options":{"max_chunk_size":131072},"bucket":"{{store.Bucket}}","nuid":"GoWrittenNuid0000000001","size":5,"mtime":"2024-03-01T10:20:30.123456789Z","chunks":1,"digest":"SHA-256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="}""";
        await store.JetStream.PublishAsync($"$O.{store.Bucket}.C.GoWrittenNuid0000000001", "hello"u8.ToArray());
        await store.JetStream.PublishAsync($"$O.{store.Bucket}.M.aGVsbG8udHh0", Encoding.UTF8.GetBytes(json));

        using var read = new MemoryStream();
        var info = await store.GetAsync("hello.txt", read);
        Assert.Equal("hello", Encoding.UTF8.GetString(read.ToArray()));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1234567), info.ModifiedTime);
    }

    [Fact]
    public async Task Metadata_update_renames_and_keeps_the_content()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        var original = await store.PutAsync("old-name", new PatternStream(1234, seed: 5));
        await store.PutAsync("taken", new PatternStream(1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateMetaAsync("old-name", new ObjectMeta("taken")));
        var updated = await store.UpdateMetaAsync("old-name", new ObjectMeta("new-name")
        {
            Description = "renamed",
            Metadata = new Dictionary<string, string> { ["v"] = "2" },
        });
        Assert.Equal(original.Nuid, updated.Nuid);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetInfoAsync("old-name", includeDeleted: true));
        using var read = new MemoryStream();
        var got = await store.GetAsync("new-name", read);
        Assert.Equal("renamed", got.Description);
        Assert.Equal("2", got.Metadata!["v"]);
        Assert.Equal(Sha256Of(new PatternStream(1234, 5)), SHA256.HashData(read.ToArray()));
    }

    [Fact]
    public async Task Bucket_status_and_missing_bucket()
    {
        var (nats, store) = await BucketAsync();
        await using var _ = nats;
        await store.PutAsync("x", new PatternStream(10_000));
        var status = await store.GetStatusAsync();
        Assert.Equal("test bucket", status.Description);
        Assert.True(status.Bytes >= 10_000);
        Assert.Equal(StorageType.Memory, status.Storage);
        Assert.Equal(store.StreamName, (await store.JetStream.GetObjectStoreAsync(store.Bucket)).StreamName);
        await Assert.ThrowsAsync<ObjectStoreBucketNotFoundException>(() => store.JetStream.GetObjectStoreAsync("missing-" + Guid.NewGuid().ToString("N")[..6]));
        Assert.True(await store.JetStream.DeleteObjectStoreAsync(store.Bucket));
    }

    private static async Task<ulong> ChunkCountAsync(Bucket store, string nuid)
    {
        var subject = $"$O.{store.Bucket}.C.{nuid}";
        var info = await store.JetStream.GetStreamInfoAsync(store.StreamName, subjectsFilter: subject);
        return info.State.Subjects is { } subjects && subjects.TryGetValue(subject, out var count) ? count : 0;
    }
}
