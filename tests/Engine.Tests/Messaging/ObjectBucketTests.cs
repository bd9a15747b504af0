using System.Security.Cryptography;
using HarmonyLite.Engine.Messaging;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>
/// Objects stream through a real object store bucket in the standard layout: the official JavaScript client reads what
/// is stored here, and what it stores is read here.
/// </summary>
public sealed class ObjectBucketTests : IClassFixture<NatsServerFixture>, IClassFixture<JsObjectStorePeer>, IDisposable
{
    private readonly NatsServerFixture _nats;
    private readonly JsObjectStorePeer _js;
    private readonly TempDirectory _directory = new("harmonylite-objects");

    public ObjectBucketTests(NatsServerFixture nats, JsObjectStorePeer js)
    {
        _nats = nats;
        _js = js;
    }

    private async Task<(MessagingConnection, ObjectBucket)> OpenAsync()
    {
        var connection = await TestMessaging.ConnectAsync(_nats.Url);
        var bucket = await connection.OpenObjectBucketAsync(new ObjectBucketSettings($"obj-{Guid.NewGuid():N}"[..12], "test objects", 1, "test.replicas"), NullLogger.Instance, CancellationToken.None);
        return (connection, bucket);
    }

    private string RandomFile(string name, int size)
    {
        var path = _directory.File(name);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(size));
        return path;
    }

    [Fact]
    public async Task An_object_is_stored_in_chunks_as_large_as_the_servers_max_payload_allows_less_room_for_headers()
    {
        var (connection, bucket) = await OpenAsync();
        await using var _ = connection;
        var size = 3 * 1024 * 1024 + 17;
        var chunk = connection.MaxPayload!.Value - 4 * 1024; // nats-server's default max_payload is 1 MiB
        await using var content = File.OpenRead(RandomFile("chunks.bin", size));

        var stored = await bucket.PutAsync("big.db", null, new Dictionary<string, string>(), content, CancellationToken.None);

        Assert.Equal((size + chunk - 1) / chunk, stored.Chunks); // 4, where 128 KiB chunks made 25
    }

    [Theory]
    [InlineData(3 * 1024 * 1024 + 17)]
    [InlineData(1024 * 1024)] // a whole number of chunks
    [InlineData(0)]
    public async Task An_object_streams_in_and_out_with_its_digest_and_is_listed_until_deleted(int size)
    {
        var (connection, bucket) = await OpenAsync();
        await using var _ = connection;
        var file = RandomFile("in.bin", size);
        StoredObject stored;
        await using (var content = File.OpenRead(file))
            stored = await bucket.PutAsync("snap.db", "a test object", new Dictionary<string, string> { ["k"] = "v" }, content, CancellationToken.None);

        Assert.Equal((long)size, stored.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), stored.Sha256);
        Assert.Equal("v", Assert.Single(await bucket.ListAsync(CancellationToken.None).ToListAsync()).Metadata["k"]);
        using (var copy = new MemoryStream())
        {
            Assert.True(await bucket.TryGetAsync("snap.db", copy, CancellationToken.None));
            Assert.Equal(File.ReadAllBytes(file), copy.ToArray());
        }

        Assert.True(await bucket.DeleteAsync("snap.db", CancellationToken.None));
        Assert.False(await bucket.DeleteAsync("snap.db", CancellationToken.None));
        Assert.Null(await bucket.GetInfoAsync("snap.db", CancellationToken.None));
        Assert.False(await bucket.TryGetAsync("snap.db", Stream.Null, CancellationToken.None));
        Assert.Empty(await bucket.ListAsync(CancellationToken.None).ToListAsync());
    }

    [Theory]
    [InlineData(2 * 1024 * 1024 + 5)]
    [InlineData(1024 * 1024)]
    public async Task The_official_JavaScript_client_reads_what_is_stored_here_and_what_it_stores_is_read_here(int size)
    {
        var (connection, bucket) = await OpenAsync();
        await using var _ = connection;
        var file = RandomFile("dotnet.bin", size);
        await using (var content = File.OpenRead(file))
            await bucket.PutAsync("from-dotnet.db", null, new Dictionary<string, string> { ["harmonylite-snapshot"] = "{\"id\":\"x\"}" }, content, CancellationToken.None);

        var read = _directory.File("read-by-js.bin");
        var info = await _js.GetAsync(_nats.Url, bucket.Name, "from-dotnet.db", read);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(read));
        Assert.Equal(size, info.GetProperty("size").GetInt64());
        Assert.Equal("{\"id\":\"x\"}", info.GetProperty("metadata").GetProperty("harmonylite-snapshot").GetString());

        var fromJs = RandomFile("js.bin", size + 1);
        await _js.PutAsync(_nats.Url, bucket.Name, "from-js.db", fromJs);
        var stored = await bucket.GetInfoAsync("from-js.db", CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(fromJs))), stored!.Sha256);
        Assert.Equal("js", stored.Metadata["origin"]);
        using var copy = new MemoryStream();
        Assert.True(await bucket.TryGetAsync("from-js.db", copy, CancellationToken.None));
        Assert.Equal(File.ReadAllBytes(fromJs), copy.ToArray());
    }

    public void Dispose() => _directory.Dispose();
}
