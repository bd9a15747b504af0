using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.JetStream;

public sealed class StreamManagementTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public StreamManagementTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task Stream_is_created_read_updated_listed_and_deleted()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var name = Unique.Name("CRUD");
        var subject = name.ToLowerInvariant();

        var created = await js.CreateStreamAsync(new StreamConfig(name) { Subjects = [$"{subject}.>"], Storage = StorageType.Memory, MaxMessages = 100 });
        Assert.Equal(name, created.Config.Name);
        Assert.Equal(100, created.Config.MaxMessages);
        Assert.Equal(0UL, created.State.Messages);

        // Creating again with the same config is fine; with another config it is refused.
        await js.CreateStreamAsync(created.Config);
        var inUse = await Assert.ThrowsAsync<JetStreamApiException>(() => js.CreateStreamAsync(created.Config with { MaxMessages = 5 }));
        Assert.Equal(JetStreamErrorCode.StreamNameInUse, inUse.ErrorCode);

        var updated = await js.UpdateStreamAsync(created.Config with { MaxMessages = 50, Description = "fifty" });
        Assert.Equal(50, updated.Config.MaxMessages);
        Assert.Equal("fifty", (await js.GetStreamInfoAsync(name)).Config.Description);

        var names = await js.ListStreamNamesAsync().ToListAsync();
        Assert.Contains(name, names);
        Assert.Equal([name], await js.ListStreamNamesAsync($"{subject}.x").ToListAsync());
        Assert.Contains(await js.ListStreamsAsync().ToListAsync(), s => s.Config.Name == name && s.Config.Description == "fifty");

        Assert.True(await js.DeleteStreamAsync(name));
        var gone = await Assert.ThrowsAsync<JetStreamApiException>(() => js.GetStreamInfoAsync(name));
        Assert.Equal(JetStreamErrorCode.StreamNotFound, gone.ErrorCode);
        Assert.Equal(404, gone.Code);
        Assert.Contains(name, gone.Message);
    }

    [Fact]
    public async Task Create_or_update_creates_then_updates()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var name = Unique.Name("UPSERT");
        var config = new StreamConfig(name) { Subjects = [name.ToLowerInvariant()], Storage = StorageType.Memory };

        Assert.Equal(-1, (await js.CreateOrUpdateStreamAsync(config)).Config.MaxMessages);
        Assert.Equal(7, (await js.CreateOrUpdateStreamAsync(config with { MaxMessages = 7 })).Config.MaxMessages);
        await js.DeleteStreamAsync(name);
    }

    [Fact]
    public async Task Stream_list_pages_through_more_streams_than_one_page_holds()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        // The server pages STREAM.LIST by 256; 260 memory streams make two pages.
        var prefix = Unique.Name("PAGE");
        var names = Enumerable.Range(0, 260).Select(i => $"{prefix}_{i}").ToList();
        foreach (var batch in names.Chunk(20))
            await Task.WhenAll(batch.Select(n => js.CreateStreamAsync(new StreamConfig(n) { Subjects = [$"{prefix.ToLowerInvariant()}.{n}"], Storage = StorageType.Memory })));
        try
        {
            var listed = await js.ListStreamsAsync($"{prefix.ToLowerInvariant()}.>").Select(s => s.Config.Name).ToListAsync();
            Assert.Equal(names.Order(), listed.Order());
            var listedNames = await js.ListStreamNamesAsync($"{prefix.ToLowerInvariant()}.>").ToListAsync();
            Assert.Equal(names.Order(), listedNames.Order());
        }
        finally
        {
            foreach (var batch in names.Chunk(20))
                await Task.WhenAll(batch.Select(n => js.DeleteStreamAsync(n)));
        }
    }

    [Fact]
    public async Task Purge_all_by_subject_keep_and_sequence()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var name = Unique.Name("PURGE");
        var s = name.ToLowerInvariant();
        await js.CreateStreamAsync(new StreamConfig(name) { Subjects = [$"{s}.>"], Storage = StorageType.Memory });
        for (var i = 0; i < 10; i++) await js.PublishAsync($"{s}.{(i % 2 == 0 ? "even" : "odd")}", new byte[] { (byte)i });

        // Sequences 1,3,5,7,9 are on ".even", 2,4,6,8,10 on ".odd".
        Assert.Equal(2UL, await js.PurgeStreamAsync(name, new StreamPurgeOptions { Keep = 8 }));
        Assert.Equal(4UL, await js.PurgeStreamAsync(name, new StreamPurgeOptions { Subject = $"{s}.odd" }));
        var info = await js.GetStreamInfoAsync(name);
        Assert.Equal(4UL, info.State.Messages);
        Assert.Equal(3UL, info.State.FirstSequence);

        Assert.Equal(3UL, await js.PurgeStreamAsync(name, new StreamPurgeOptions { UpToSequence = 9 }));
        Assert.Equal(1UL, await js.PurgeStreamAsync(name));
        Assert.Equal(0UL, (await js.GetStreamInfoAsync(name)).State.Messages);
        await js.DeleteStreamAsync(name);
    }

    [Fact]
    public async Task Account_info_counts_streams()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var name = Unique.Name("ACCT");
        await js.CreateStreamAsync(new StreamConfig(name) { Subjects = [name.ToLowerInvariant()], Storage = StorageType.Memory });
        var account = await js.GetAccountInfoAsync();
        Assert.True(account.Streams >= 1);
        Assert.Equal(-1, account.Limits.MaxStreams);
        Assert.True(account.Api.Total > 0);
        await js.DeleteStreamAsync(name);
    }

    [Fact]
    public async Task A_server_without_jetstream_is_reported_as_such()
    {
        await using var plain = await NatsServerProcess.StartAsync(new NatsServerOptions { JetStream = false });
        await using var nats = await Connect.ToAsync(plain.Url);
        var js = new JetStreamContext(nats);
        var ex = await Assert.ThrowsAsync<JetStreamNotEnabledException>(() => js.GetAccountInfoAsync());
        Assert.Contains("Enable JetStream", ex.Message);
    }

    [Fact]
    public void Api_prefix_follows_the_domain_or_an_explicit_prefix()
    {
        var connection = new NatsConnection(Connect.Options(_server.Url));
        Assert.Equal("$JS.API", new JetStreamContext(connection).ApiPrefix);
        Assert.Equal("$JS.hub.API", new JetStreamContext(connection, new JetStreamOptions { Domain = "hub" }).ApiPrefix);
        Assert.Equal("JS.acct.API", new JetStreamContext(connection, new JetStreamOptions { Domain = "hub", ApiPrefix = "JS.acct.API." }).ApiPrefix);
        Assert.Equal(connection.Options.RequestTimeout, new JetStreamContext(connection).RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), new JetStreamContext(connection, new JetStreamOptions { RequestTimeout = TimeSpan.FromSeconds(1) }).RequestTimeout);
    }

    [Fact]
    public async Task Bad_names_are_refused_before_anything_is_sent()
    {
        await using var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => js.CreateStreamAsync(new StreamConfig("a.b")));
        Assert.Contains("'.'", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => js.GetConsumerInfoAsync("S", "c*"));
    }
}
