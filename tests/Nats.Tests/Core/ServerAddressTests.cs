using HarmonyLite.Nats.Connection;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class ServerAddressTests
{
    [Theory]
    [InlineData("nats://127.0.0.1:4333", "127.0.0.1", 4333, false)]
    [InlineData("tls://nats.example.com", "nats.example.com", 4222, true)]
    [InlineData("localhost:5000", "localhost", 5000, false)]
    [InlineData("nats://[::1]:4222", "::1", 4222, false)]
    public void Urls_are_parsed(string url, string host, int port, bool tls)
    {
        var address = ServerAddress.Parse(url);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(tls, address.IsTls);
    }

    [Fact]
    public void Userinfo_gives_user_and_password_or_a_token_and_is_kept_out_of_ToString()
    {
        var withUser = ServerAddress.Parse("nats://bob:p%40ss@host:1");
        Assert.Equal(("bob", "p@ss"), (withUser.User, withUser.Password));
        Assert.Equal("nats://host:1", withUser.ToString());
        Assert.Equal("tok", ServerAddress.Parse("nats://tok@host").Token);
    }

    [Theory]
    [InlineData("http://host:4222")]
    [InlineData("nats://")]
    public void Other_schemes_and_empty_hosts_are_refused(string url) =>
        Assert.Throws<ArgumentException>(() => ServerAddress.Parse(url));

    [Fact]
    public void The_pool_keeps_the_given_order_adds_discovered_servers_once_and_tries_the_last_used_server_last()
    {
        var pool = new ServerPool(["nats://a:1", "nats://b:2", "nats://a:1"], randomize: false);
        Assert.Equal(new[] { "nats://a:1", "nats://b:2" }, pool.Servers.Select(s => s.ToString()));

        var added = pool.AddDiscovered(["b:2", "c:3", "c:3"], tls: false);
        Assert.Equal(new[] { "nats://c:3" }, added.Select(s => s.ToString()));
        Assert.True(pool.Servers[2].IsDiscovered);

        var order = pool.RoundOrder(pool.Servers[0]);
        Assert.Equal(new[] { "nats://b:2", "nats://c:3", "nats://a:1" }, order.Select(s => s.ToString()));
    }
}
