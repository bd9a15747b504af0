using HarmonyLite.Engine.EmbeddedNats;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class NatsPeerUrlsTests
{
    [Fact]
    public void Entries_split_on_commas_like_the_Go_flags()
    {
        var urls = NatsPeerUrls.Parse(["nats://a:6222, nats://b:6222", "nats://c:6222"], "ClusterPeers");
        Assert.Equal(["a", "b", "c"], urls.Select(u => u.Host));
    }

    [Theory]
    [InlineData("a:6222")]
    [InlineData("nats://no-port")]
    [InlineData("not a url")]
    public void An_entry_without_scheme_host_or_port_is_refused_by_name(string entry)
    {
        var failure = Assert.Throws<ArgumentException>(() => NatsPeerUrls.Parse([entry], "ClusterPeers (-cluster-peers)"));
        Assert.Contains($"ClusterPeers (-cluster-peers) entry '{entry}'", failure.Message);
    }

    [Fact]
    public void A_hub_query_marks_a_leaf_remote_as_hub_and_is_dropped_from_the_url()
    {
        var urls = NatsPeerUrls.Parse(["nats://user:pw@hub:7422?hub=true", "nats://leaf:7422"], "LeafServers");
        Assert.True(NatsPeerUrls.IsHub(urls[0]));
        Assert.False(NatsPeerUrls.IsHub(urls[1]));
    }

    [Fact]
    public async Task Query_strings_are_dropped_and_dns_entries_become_one_url_per_address()
    {
        var urls = NatsPeerUrls.Parse(["nats://user:pw@hub:7422?hub=true", "dns://pw@localhost:6222?interval_ms=50"], "peers");

        var resolved = await NatsPeerUrls.ResolveAsync(urls, NullLogger.Instance, CancellationToken.None);

        Assert.Equal("nats://user:pw@hub:7422", resolved[0].Url);
        var fromDns = resolved.Skip(1).Select(r => r.Url).ToList();
        Assert.Contains("nats://pw@127.0.0.1:6222", fromDns);
        Assert.All(fromDns, url => Assert.Matches(@"^nats://pw@(127\.0\.0\.1|\[::1\]):6222$", url));
        Assert.All(resolved.Skip(1), r => Assert.Equal(urls[1], r.Source));
    }

    [Fact]
    public async Task A_name_that_never_resolves_gives_up_with_the_deadline_and_says_which()
    {
        var urls = NatsPeerUrls.Parse(["dns://no-such-host.invalid:6222?interval_ms=50"], "peers");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NatsPeerUrls.ResolveAsync(urls, NullLogger.Instance, deadline.Token));

        Assert.Contains("dns://no-such-host.invalid:6222", failure.Message);
        Assert.Contains("did not resolve", failure.Message);
    }
}
