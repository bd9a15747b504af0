using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class DiscoveryTests : IClassFixture<NatsClusterFixture>
{
    private readonly NatsClusterFixture _cluster;

    public DiscoveryTests(NatsClusterFixture cluster) => _cluster = cluster;

    [Fact]
    public async Task Connecting_to_one_cluster_member_discovers_the_others_and_fails_over_to_them()
    {
        var first = _cluster.Servers[0];
        await using var nats = new NatsConnection(Connect.Options(first.Url));
        var events = new EventLog(nats);
        await nats.ConnectAsync();

        await Eventually.WaitUntilAsync(() => nats.KnownServers.Count == NatsClusterFixture.Size, "connect_urls of the whole cluster",
            describe: () => string.Join(", ", nats.KnownServers));
        foreach (var server in _cluster.Servers) Assert.Contains(server.Url, nats.KnownServers);
        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.ServersDiscovered) > 0, "a ServersDiscovered event", describe: () => events.ToString());

        await using var sub = await nats.SubscribeAsync("discovery.failover");
        await first.KillAsync();

        await Eventually.WaitUntilAsync(() => events.Count(NatsConnectionEvent.Reconnected) == 1, "failover to a discovered server", describe: () => events.ToString());
        Assert.NotEqual(first.Url, nats.ConnectedUrl);
        await using var other = await Connect.ToAsync(_cluster.Servers[2].Url);
        await Eventually.WaitUntilAsync(async () =>
        {
            // Interest crosses the routes asynchronously after the resubscribe; publish until it arrives.
            await other.PublishAsync("discovery.failover", "x"u8.ToArray());
            await other.PingAsync();
            return sub.Messages.TryRead(out _);
        }, "a message through the cluster after failover");
    }
}
