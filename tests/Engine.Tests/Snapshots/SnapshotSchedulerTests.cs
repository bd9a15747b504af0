using System.Collections.Concurrent;
using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Sqlite;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class SnapshotSchedulerTests : IClassFixture<NatsServerFixture>, IDisposable
{
    private const string Stream = "sched-1";
    private readonly NatsServerFixture _server;
    private readonly TempDirectory _directory = new("harmonylite-snapshot-scheduler");
    private readonly string _prefix = SnapshotTesting.UniquePrefix("sched");
    private IReadOnlyDictionary<string, ulong> _lastSequences = new Dictionary<string, ulong>();

    public SnapshotSchedulerTests(NatsServerFixture server) => _server = server;

    private Task<IReadOnlyDictionary<string, ulong>> ReadLastSequences(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _lastSequences));

    private void StreamsAt(ulong last) => Volatile.Write(ref _lastSequences, new Dictionary<string, ulong> { [Stream] = last });

    /// <summary>A node: its own database, a snapshot service on the shared bucket, and a running scheduler.</summary>
    private sealed class Node(long id, SnapshotService service, SnapshotScheduler scheduler, CancellationTokenSource stop, Task run) : IAsyncDisposable
    {
        public long Id => id;
        public SnapshotService Service => service;
        public SnapshotScheduler Scheduler => scheduler;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await run;
            await scheduler.DisposeAsync();
            await service.DisposeAsync();
            stop.Dispose();
        }
    }

    private async Task<Node> StartNodeAsync(long id, Func<HarmonyConfig, HarmonyConfig> configure, ConcurrentQueue<(long Node, SnapshotSavedEventArgs Saved)> saves)
    {
        var path = _directory.File($"node-{id}.db");
        await SqliteCli.RunAsync(path, $"CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES ({id}, 'node {id}');");
        var config = configure(SnapshotTesting.NatsStoreConfig(path, id, _server.Url, _prefix, keep: 5));
        var service = await SnapshotService.OpenAsync(config, NullLoggerFactory.Instance, CancellationToken.None);
        var scheduler = await service.CreateSchedulerAsync(ReadLastSequences, CancellationToken.None);
        scheduler.Saved += (_, e) => saves.Enqueue((id, e));
        var stop = new CancellationTokenSource();
        return new Node(id, service, scheduler, stop, scheduler.RunAsync(stop.Token));
    }

    [Fact]
    public async Task Only_the_lease_holder_saves_one_snapshot_per_trigger_and_another_node_takes_over_when_it_stops()
    {
        var saves = new ConcurrentQueue<(long Node, SnapshotSavedEventArgs Saved)>();
        HarmonyConfig EveryTenMessages(HarmonyConfig c) => c with { ReplicationLog = new ReplicationLogConfig { MaxEntries = 20, Shards = 2 } };
        var nodes = new List<Node> { await StartNodeAsync(1, EveryTenMessages, saves), await StartNodeAsync(2, EveryTenMessages, saves) };
        try
        {
            await Eventually.WaitUntilAsync(() => nodes.Any(n => n.Scheduler.Lease.IsHeld), "a node takes the lease");
            var holder = nodes.Single(n => n.Scheduler.Lease.IsHeld);
            var other = nodes.Single(n => n != holder);
            string Saves() => string.Join("; ", saves.Select(s => $"node {s.Node}: {s.Saved.Trigger}"));

            StreamsAt(10);
            await Eventually.WaitUntilAsync(() => saves.Count >= 1, "a snapshot after ten messages", describe: Saves);
            StreamsAt(20);
            await Eventually.WaitUntilAsync(() => saves.Count >= 2, "a snapshot after ten more", describe: Saves);
            Assert.Equal([holder.Id, holder.Id], saves.Select(s => s.Node));
            Assert.All(saves, s => Assert.Contains($"stream {Stream} took 10 messages", s.Saved.Trigger));
            var listed = await other.Service.ListAsync(CancellationToken.None);
            Assert.Equal(2, listed.Count);
            Assert.All(listed, m => Assert.Equal(holder.Id, m.NodeId));

            // The holder stops (and releases the lease): the other node takes over. The newest snapshot's positions
            // do not cover the stream (these databases applied nothing), so it saves once at once.
            nodes.Remove(holder);
            await holder.DisposeAsync();
            await Eventually.WaitUntilAsync(() => saves.Count >= 3, "the other node saves after taking over", describe: Saves);
            Assert.True(other.Scheduler.Lease.IsHeld);
            Assert.Equal([holder.Id, holder.Id, other.Id], saves.Select(s => s.Node));
            Assert.Equal(3, (await other.Service.ListAsync(CancellationToken.None)).Count);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_holder_saves_every_interval()
    {
        var saves = new ConcurrentQueue<(long Node, SnapshotSavedEventArgs Saved)>();
        await using var node = await StartNodeAsync(7, c => c with { Snapshot = c.Snapshot with { Interval = TimeSpan.FromMilliseconds(600) } }, saves);

        await Eventually.WaitUntilAsync(() => saves.Count >= 2, "two timed snapshots");

        var (first, second) = (saves.ElementAt(0).Saved, saves.ElementAt(1).Saved);
        Assert.Equal("no snapshot exists yet", first.Trigger);
        Assert.Contains("older than snapshot.interval", second.Trigger);
        Assert.True(second.Snapshot.CreatedAt - first.Snapshot.CreatedAt >= TimeSpan.FromMilliseconds(600));
        Assert.NotNull(node.Scheduler.LastSaved);
    }

    public void Dispose() => _directory.Dispose();
}
