using System.Text;
using System.Threading.Channels;
using HarmonyLite.Nats.JetStream;
using HarmonyLite.Nats.KeyValue;
using HarmonyLite.Nats.Tests.Core;
using HarmonyLite.Nats.Tests.JetStream;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.KeyValue;

public sealed class KeyValueTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _server;

    public KeyValueTests(NatsServerFixture server) => _server = server;

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(KeyValueEntry? entry) => entry is null ? "<none>" : Encoding.UTF8.GetString(entry.Value.Span);

    private async Task<(NatsConnection Nats, KeyValueStore Kv)> BucketAsync(Func<KeyValueConfig, KeyValueConfig>? configure = null)
    {
        var nats = await Connect.ToAsync(_server.Url);
        var js = new JetStreamContext(nats);
        var config = new KeyValueConfig(Unique.Name("kv")) { Storage = StorageType.Memory };
        var kv = await js.CreateKeyValueAsync(configure is null ? config : configure(config));
        return (nats, kv);
    }

    [Fact]
    public async Task Bucket_uses_the_official_stream_layout()
    {
        var (nats, kv) = await BucketAsync(c => c with { History = 5, MaxAge = TimeSpan.FromMinutes(10), Description = "layout" });
        await using var _ = nats;
        var info = await kv.JetStream.GetStreamInfoAsync("KV_" + kv.Bucket);
        Assert.Equal([$"$KV.{kv.Bucket}.>"], info.Config.Subjects);
        Assert.Equal(5, info.Config.MaxMessagesPerSubject);
        Assert.Equal(TimeSpan.FromMinutes(10), info.Config.MaxAge);
        Assert.True(info.Config.AllowRollupHeaders);
        Assert.True(info.Config.DenyDelete);
        Assert.Equal(DiscardPolicy.New, info.Config.Discard);
        Assert.Equal("layout", info.Config.Description);

        var status = await kv.GetStatusAsync();
        Assert.Equal(5, status.History);
        Assert.Equal(TimeSpan.FromMinutes(10), status.MaxAge);

        var reopened = await kv.JetStream.GetKeyValueAsync(kv.Bucket);
        Assert.Equal(kv.StreamName, reopened.StreamName);
        await Assert.ThrowsAsync<KeyValueBucketNotFoundException>(() => kv.JetStream.GetKeyValueAsync("no-such-bucket-" + Guid.NewGuid().ToString("N")[..6]));
    }

    [Fact]
    public async Task Put_get_delete_purge_and_history()
    {
        var (nats, kv) = await BucketAsync(c => c with { History = 10 });
        await using var _ = nats;
        var r1 = await kv.PutAsync("config.color", Bytes("red"));
        var r2 = await kv.PutAsync("config.color", Bytes("green"));
        Assert.True(r2 > r1);

        var latest = await kv.GetAsync("config.color");
        Assert.Equal("green", Text(latest));
        Assert.Equal(r2, latest!.Revision);
        Assert.Equal("config.color", latest.Key);
        Assert.Equal(KeyValueOperation.Put, latest.Operation);
        Assert.Equal("red", Text(await kv.GetAsync("config.color", r1)));
        Assert.Null(await kv.GetAsync("config.other", r1)); // that revision belongs to another key
        Assert.Null(await kv.GetAsync("missing"));

        await kv.DeleteAsync("config.color");
        Assert.Null(await kv.GetAsync("config.color"));
        var history = await kv.HistoryAsync("config.color").ToListAsync();
        Assert.Equal([KeyValueOperation.Put, KeyValueOperation.Put, KeyValueOperation.Delete], history.Select(e => e.Operation));
        Assert.Equal(["red", "green", ""], history.Select(Text));
        Assert.Equal(0UL, history[^1].Delta);

        await kv.PutAsync("config.color", Bytes("blue"));
        await kv.PurgeAsync("config.color");
        var afterPurge = await kv.HistoryAsync("config.color").ToListAsync();
        Assert.Equal(KeyValueOperation.Purge, Assert.Single(afterPurge).Operation);
        Assert.Null(await kv.GetAsync("config.color"));
        Assert.Empty(await kv.HistoryAsync("never.written").ToListAsync());
    }

    [Fact]
    public async Task Create_if_absent_conflicts_on_an_existing_key_but_not_on_a_deleted_one()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        var first = await kv.CreateAsync("lease", Bytes("node-1"));
        var conflict = await Assert.ThrowsAsync<KeyValueConflictException>(() => kv.CreateAsync("lease", Bytes("node-2")));
        Assert.Equal("lease", conflict.Key);
        Assert.Equal(kv.Bucket, conflict.Bucket);
        Assert.Contains("already exists", conflict.Message);
        Assert.Equal("node-1", Text(await kv.GetAsync("lease")));

        await kv.DeleteAsync("lease", expectedRevision: first);
        var second = await kv.CreateAsync("lease", Bytes("node-2"));
        Assert.Equal("node-2", Text(await kv.GetAsync("lease")));

        await kv.PurgeAsync("lease");
        await kv.CreateAsync("lease", Bytes("node-3"));
        Assert.Equal("node-3", Text(await kv.GetAsync("lease")));
        Assert.True(second > first);
    }

    [Fact]
    public async Task Update_with_a_stale_revision_is_a_conflict()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        var r1 = await kv.PutAsync("counter", Bytes("1"));
        var r2 = await kv.UpdateAsync("counter", Bytes("2"), r1);
        var stale = await Assert.ThrowsAsync<KeyValueConflictException>(() => kv.UpdateAsync("counter", Bytes("3"), r1));
        Assert.Equal(r1, stale.ExpectedRevision);
        Assert.IsType<JetStreamApiException>(stale.InnerException);
        Assert.Equal("2", Text(await kv.GetAsync("counter")));
        await Assert.ThrowsAsync<KeyValueConflictException>(() => kv.DeleteAsync("counter", expectedRevision: r1));
        await kv.UpdateAsync("counter", Bytes("3"), r2);
        Assert.Equal("3", Text(await kv.GetAsync("counter")));
    }

    [Fact]
    public async Task Keys_lists_keys_with_values_only()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        Assert.Empty(await kv.KeysAsync().ToListAsync());
        await kv.PutAsync("a", Bytes("1"));
        await kv.PutAsync("b.c", Bytes("2"));
        await kv.PutAsync("d", Bytes("3"));
        await kv.PutAsync("a", Bytes("4"));
        await kv.DeleteAsync("d");
        Assert.Equal(["a", "b.c"], (await kv.KeysAsync().ToListAsync()).Order());
    }

    [Fact]
    public async Task Values_expire_after_the_bucket_ttl()
    {
        var (nats, kv) = await BucketAsync(c => c with { MaxAge = TimeSpan.FromSeconds(1) });
        await using var _ = nats;
        await kv.PutAsync("ephemeral", Bytes("soon gone"));
        Assert.NotNull(await kv.GetAsync("ephemeral"));
        await Eventually.WaitUntilAsync(async () => await kv.GetAsync("ephemeral") is null, "the value expires", TimeSpan.FromSeconds(15));
        // An expired key can be created again.
        await kv.CreateAsync("ephemeral", Bytes("again"));
    }

    [Fact]
    public async Task Watch_delivers_current_values_then_updates_and_deletes()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        await kv.PutAsync("node.1", Bytes("up"));
        await kv.PutAsync("node.2", Bytes("up"));
        await kv.PutAsync("node.1", Bytes("busy"));
        await kv.PutAsync("other", Bytes("ignored"));

        using var cts = new CancellationTokenSource(TestTimeout);
        var entries = Channel.CreateUnbounded<KeyValueEntry>();
        var initialDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            await foreach (var entry in kv.WatchAsync("node.*", new KeyValueWatchOptions { OnInitialValuesDone = () => initialDone.TrySetResult() }, cts.Token))
                await entries.Writer.WriteAsync(entry, cts.Token);
        });

        await initialDone.Task.WaitAsync(cts.Token);
        var initial = new List<KeyValueEntry>();
        while (entries.Reader.TryRead(out var entry)) initial.Add(entry);
        Assert.Equal(["node.2=up", "node.1=busy"], initial.Select(e => $"{e.Key}={Text(e)}"));

        await kv.PutAsync("node.3", Bytes("new"));
        await kv.DeleteAsync("node.2");
        await kv.PutAsync("other", Bytes("still ignored"));
        var update = await entries.Reader.ReadAsync(cts.Token);
        Assert.Equal(("node.3", "new", KeyValueOperation.Put), (update.Key, Text(update), update.Operation));
        var delete = await entries.Reader.ReadAsync(cts.Token);
        Assert.Equal(("node.2", KeyValueOperation.Delete), (delete.Key, delete.Operation));

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }

    [Fact]
    public async Task Watch_of_an_empty_bucket_reports_initial_values_done_at_once_and_updates_only_skips_history()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        using var cts = new CancellationTokenSource(TestTimeout);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watch = kv.WatchAsync(options: new KeyValueWatchOptions { OnInitialValuesDone = () => done.TrySetResult() }, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        await done.Task.WaitAsync(cts.Token);
        await kv.PutAsync("k", Bytes("v1"));
        Assert.True(await next);
        Assert.Equal("v1", Text(watch.Current));

        await using var updates = kv.WatchAsync(options: new KeyValueWatchOptions { UpdatesOnly = true }, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var nextUpdate = updates.MoveNextAsync().AsTask();
        // The updates-only watch starts after v1: wait until its consumer exists before writing v2.
        await Eventually.WaitUntilAsync(async () => await kv.JetStream.ListConsumerNamesAsync(kv.StreamName).CountAsync() == 2, "the second watch's consumer exists");
        await kv.PutAsync("k", Bytes("v2"));
        Assert.True(await nextUpdate);
        Assert.Equal("v2", Text(updates.Current));
    }

    [Fact]
    public async Task Watch_with_history_skipping_deletes_and_values()
    {
        var (nats, kv) = await BucketAsync(c => c with { History = 5 });
        await using var _ = nats;
        await kv.PutAsync("a", Bytes("1"));
        await kv.PutAsync("a", Bytes("2"));
        await kv.DeleteAsync("a");
        await kv.PutAsync("b", Bytes("3"));

        using var cts = new CancellationTokenSource(TestTimeout);
        var initial = new List<KeyValueEntry>();
        var done = false;
        await foreach (var entry in kv.WatchAsync(options: new KeyValueWatchOptions { IncludeHistory = true, IgnoreDeletes = true, MetaOnly = true, OnInitialValuesDone = () => done = true }, cancellationToken: cts.Token))
        {
            initial.Add(entry);
            if (entry.Delta == 0) break;
        }
        Assert.Equal(["a", "a", "b"], initial.Select(e => e.Key));
        Assert.All(initial, e => Assert.True(e.Value.IsEmpty, "meta-only entries carry no value"));
        Assert.Equal([1UL, 2UL, 4UL], initial.Select(e => e.Revision));
        Assert.False(done, "the callback runs when the next entry is asked for, after the last initial one was handled");
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var entry in kv.WatchAsync(options: new KeyValueWatchOptions { IncludeHistory = true, UpdatesOnly = true }, cancellationToken: cts.Token)) { }
        });
    }

    [Fact]
    public async Task Invalid_keys_and_buckets_are_refused()
    {
        var (nats, kv) = await BucketAsync();
        await using var _ = nats;
        await Assert.ThrowsAsync<ArgumentException>(() => kv.PutAsync("bad key", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => kv.PutAsync("a..b", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => kv.PutAsync("wild.*", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => kv.JetStream.CreateKeyValueAsync(new KeyValueConfig("bad.bucket")));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => kv.JetStream.CreateKeyValueAsync(new KeyValueConfig("ok") { History = 65 }));
    }
}
