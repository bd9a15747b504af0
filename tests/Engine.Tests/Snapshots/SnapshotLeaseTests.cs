using HarmonyLite.Engine.Messaging;
using HarmonyLite.Engine.Snapshots;
using HarmonyLite.Engine.Tests.Messaging;
using HarmonyLite.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using Xunit;

namespace HarmonyLite.Engine.Tests.Snapshots;

public sealed class SnapshotLeaseTests : IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1.5);
    private readonly NatsServerFixture _server;
    private readonly string _bucket = SnapshotLease.BucketName(SnapshotTesting.UniquePrefix("lease"));
    private readonly List<IAsyncDisposable> _connections = [];

    public SnapshotLeaseTests(NatsServerFixture server) => _server = server;

    private async Task<(SnapshotLease Lease, MessagingConnection Connection)> LeaseAsync(long nodeId)
    {
        var connection = await TestMessaging.ConnectAsync(_server.Url);
        _connections.Add(connection);
        var lease = await SnapshotLease.OpenAsync(connection, _bucket, nodeId, Ttl, 1, NullLogger.Instance, null, CancellationToken.None);
        return (lease, connection);
    }

    /// <summary>The lease bucket as any NATS client sees it.</summary>
    private async Task<INatsKVStore> BucketAsync()
    {
        var connection = new NatsConnection(new NatsOpts { Url = _server.Url });
        _connections.Add(connection);
        return await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(_bucket);
    }

    [Fact]
    public async Task One_node_holds_the_lease_renews_it_and_hands_it_over_on_release()
    {
        var (first, _) = await LeaseAsync(1);
        var (second, _) = await LeaseAsync(2);
        await using var firstLease = first;
        await using var secondLease = second;

        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireAsync(CancellationToken.None));
        Assert.True(first.IsHeld);
        Assert.False(second.IsHeld);
        Assert.True(second.HeldToken.IsCancellationRequested);
        Assert.Equal(1, await second.GetHolderAsync(CancellationToken.None));

        // Renewals keep it past its time to live.
        var kv = await BucketAsync();
        var acquired = (await kv.GetEntryAsync<byte[]>(SnapshotLease.Key)).Revision;
        await Eventually.WaitUntilAsync(async () => (await kv.GetEntryAsync<byte[]>(SnapshotLease.Key)).Revision >= acquired + 3, "three renewals", TimeSpan.FromSeconds(10));
        Assert.True(first.IsHeld);
        Assert.False(await second.TryAcquireAsync(CancellationToken.None));

        await first.DisposeAsync();
        Assert.False(first.IsHeld);
        Assert.Null(await second.GetHolderAsync(CancellationToken.None));
        Assert.True(await second.TryAcquireAsync(CancellationToken.None));
        Assert.Equal(2, await second.GetHolderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_holder_whose_lease_was_taken_notices_and_stops()
    {
        var (first, _) = await LeaseAsync(1);
        var (second, _) = await LeaseAsync(2);
        await using var firstLease = first;
        await using var secondLease = second;
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Lost += (_, e) => lost.TrySetResult(e.Reason);

        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        var held = first.HeldToken;
        await (await BucketAsync()).DeleteAsync(SnapshotLease.Key);
        Assert.True(await second.TryAcquireAsync(CancellationToken.None));

        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("node 2 took it over", reason);
        Assert.False(first.IsHeld);
        Assert.True(held.IsCancellationRequested);
        Assert.True(second.IsHeld);
        Assert.Equal(2, await first.GetHolderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_lease_of_a_holder_that_went_away_expires_and_is_taken_over()
    {
        var (first, connection) = await LeaseAsync(1);
        var (second, _) = await LeaseAsync(2);
        await using var firstLease = first;
        await using var secondLease = second;
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Lost += (_, e) => lost.TrySetResult(e.Reason);
        Assert.True(await first.TryAcquireAsync(CancellationToken.None));

        // The holder's connection dies: it can neither renew nor release.
        await connection.DisposeAsync();

        await Eventually.WaitUntilAsync(() => second.TryAcquireAsync(CancellationToken.None), "the expired lease is taken over", TimeSpan.FromSeconds(20));
        Assert.Contains("could not be renewed within its time to live", await lost.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(first.IsHeld);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
    }
}
