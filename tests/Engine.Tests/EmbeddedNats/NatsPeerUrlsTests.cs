using HarmonyLite.Engine.EmbeddedNats;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class NatsPeerUrlsTests
{
    [Fact]
    public async Task Query_strings_are_dropped_and_dns_entries_become_one_url_per_address()
    {
        Uri[] urls = [new("nats://user:pw@hub:7422?hub=true"), new("dns://pw@localhost:6222?interval_ms=50")];

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
        Uri[] urls = [new("dns://secret@no-such-host.invalid:6222?interval_ms=50")];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var failure = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NatsPeerUrls.ResolveAsync(urls, NullLogger.Instance, deadline.Token));

        Assert.Contains("dns://<redacted>@no-such-host.invalid:6222", failure.Message);
        Assert.Contains("did not resolve", failure.Message);
    }

    [Theory]
    [InlineData("nats://10.0.0.2:6222", "nats://harmonylite-route:s%20cr%40t@10.0.0.2:6222")]
    [InlineData("nats://own:creds@10.0.0.2:6222", "nats://own:creds@10.0.0.2:6222")]
    [InlineData("nats://[fd00::2]:6222/", "nats://harmonylite-route:s%20cr%40t@[fd00::2]:6222/")]
    public void Route_credentials_are_added_unless_the_url_has_its_own(string url, string expected) =>
        Assert.Equal(expected, NatsPeerUrls.WithCredentials(url, "harmonylite-route", "s cr@t"));
}
