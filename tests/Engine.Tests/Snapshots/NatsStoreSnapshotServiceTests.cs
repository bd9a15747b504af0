using System.Security.Cryptography;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.TestSupport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.ObjectStore;
using NATS.Client.ObjectStore.Models;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class NatsStoreSnapshotServiceTests : SnapshotServiceContract, IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly NatsServerFixture _server;
    private readonly string _prefix = SnapshotTesting.UniquePrefix("snaps");
    private NatsConnection? _client;

    public NatsStoreSnapshotServiceTests(NatsServerFixture server) => _server = server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
    }

    protected override HarmonyConfig Config(string databasePath, long nodeId, int keep = 3) =>
        SnapshotTesting.NatsStoreConfig(databasePath, nodeId, _server.Url, _prefix, keep);

    protected override async Task CorruptAsync(SnapshotService service, SnapshotMetadata snapshot)
    {
        // Rewrite the last chunk through the raw stream: same chunk count and size, other bytes.
        var objects = await ObjectsAsync(service);
        var info = await objects.GetInfoAsync(NatsSnapshotStore.ObjectName(snapshot.Id));
        var chunks = $"$O.{objects.Bucket}.C.{info.Nuid}";
        var stream = await objects.JetStreamContext.GetStreamAsync($"OBJ_{objects.Bucket}");
        var last = (await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = chunks })).Message;
        await stream.DeleteMessageAsync(new StreamMsgDeleteRequest { Seq = last.Seq });
        var damaged = last.Data.ToArray();
        damaged[damaged.Length / 2] ^= 0x5A;
        (await objects.JetStreamContext.PublishAsync(chunks, damaged)).EnsureSuccess();
    }

    /// <summary>The snapshot bucket as any NATS client sees it.</summary>
    private async Task<INatsObjStore> ObjectsAsync(SnapshotService service)
    {
        _client ??= new NatsConnection(new NatsOpts { Url = _server.Url, Name = "snapshot-test" });
        return await new NatsObjContext(new NatsJSContext(_client)).GetObjectStoreAsync(((NatsSnapshotStore)service.Store).Bucket);
    }

    [Fact]
    public async Task The_snapshot_is_a_plain_object_any_object_store_client_reads()
    {
        var path = await NodeDatabaseAsync("plain.db", nodeId: 4, rows: 20);
        await using var service = await OpenAsync(Config(path, 4));
        var saved = await service.SaveAsync(CancellationToken.None);

        var objects = await ObjectsAsync(service);
        Assert.Equal(_prefix + "-snapshot-store", objects.Bucket);
        var file = Directory.File("downloaded-as-object.db");
        ObjectMetadata info;
        await using (var output = File.Create(file))
            info = await objects.GetAsync(saved.Id + ".db", output);

        Assert.Equal(saved.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        Assert.Equal((ulong)saved.Size, info.Size);
        Assert.Contains("\"positions\"", info.Metadata![NatsSnapshotStore.MetadataKey]);
        Assert.Equal("ok", SnapshotTesting.IntegrityCheck(file));
        Assert.Equal(21L, SnapshotTesting.Scalar(file, "SELECT count(*) FROM notes"));
    }

    [Fact]
    public async Task Other_objects_in_the_bucket_are_not_listed_as_snapshots()
    {
        var path = await NodeDatabaseAsync("mixed.db", nodeId: 5, rows: 1);
        await using var service = await OpenAsync(Config(path, 5));
        var objects = await ObjectsAsync(service);
        await objects.PutAsync("notes.txt", "not a snapshot"u8.ToArray());
        var saved = await service.SaveAsync(CancellationToken.None);

        Assert.Equal([saved.Id], (await service.ListAsync(CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(2, await objects.ListAsync().CountAsync());
    }

    [Fact]
    public async Task More_copies_than_a_single_server_holds_make_a_bucket_with_one_and_a_warning()
    {
        var path = await NodeDatabaseAsync("replicas.db", nodeId: 6, rows: 1);
        var config = Config(path, 6);
        config = config with { Snapshot = config.Snapshot with { Nats = config.Snapshot.Nats with { Replicas = 3 } } };
        var logs = new EmbeddedNats.TestLoggerFactory();
        await using var service = await SnapshotService.OpenAsync(config, logs, CancellationToken.None);

        var status = await (await ObjectsAsync(service)).GetStatusAsync();
        Assert.Equal(1, status.Info.Config.NumReplicas);
        Assert.Contains(logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("snapshot.nats.replicas"));
        await service.SaveAsync(CancellationToken.None);
    }

    [Fact]
    public void Without_urls_the_store_connects_to_the_embedded_servers_fixed_bind_address_only()
    {
        var embedded = new HarmonyConfig { Nats = new NatsConfig { BindAddress = new HostPort("", -1) } };
        var error = Assert.Throws<SnapshotStoreUnavailableException>(() => SnapshotService.ServerUrls(embedded));
        Assert.Contains("nats.bind_address", error.Message);
        Assert.Contains("snapshot.store = \"file\"", error.Message);

        Assert.Equal(["nats://127.0.0.1:4333"], SnapshotService.ServerUrls(embedded with { Nats = new NatsConfig { BindAddress = new HostPort("0.0.0.0", 4333) } }));
        Assert.Equal(["nats://[::1]:4333"], SnapshotService.ServerUrls(embedded with { Nats = new NatsConfig { BindAddress = new HostPort("::", 4333) } }));
        Assert.Equal(["nats://10.1.2.3:4333"], SnapshotService.ServerUrls(embedded with { Nats = new NatsConfig { BindAddress = new HostPort("10.1.2.3", 4333) } }));
        Assert.Equal(["nats://a:1", "nats://b:2"], SnapshotService.ServerUrls(embedded with { Nats = new NatsConfig { Urls = ["nats://a:1", "nats://b:2"] } }));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_with_what_to_do()
    {
        var port = FreePort.Next();
        var config = SnapshotTesting.NatsStoreConfig(Directory.File("x.db"), 1, $"nats://127.0.0.1:{port}", _prefix);
        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => OpenAsync(config));
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains(_prefix + "-snapshot-store", error.Message);
    }
}
