using System.Diagnostics;
using System.Text;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Core;

public sealed class RequestReplyTests : IClassFixture<NatsServerFixture>
{
    private readonly NatsServerFixture _server;

    public RequestReplyTests(NatsServerFixture server) => _server = server;

    [Fact]
    public async Task Request_gets_the_responders_reply_with_headers()
    {
        await using var service = await Connect.ToAsync(_server.Url);
        await using var client = await Connect.ToAsync(_server.Url);
        await using var sub = await service.SubscribeAsync("rr.echo");
        var responder = Task.Run(async () =>
        {
            await foreach (var msg in sub.Messages.ReadAllAsync())
            {
                var headers = new NatsHeaders { ["X-Echo"] = msg.Headers?["X-In"] ?? "none" };
                await msg.ReplyAsync(Encoding.UTF8.GetBytes("re: " + Encoding.UTF8.GetString(msg.Data.Span)), headers);
            }
        });

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.RequestAsync("rr.echo", Encoding.UTF8.GetBytes($"q{i}"), new NatsHeaders { ["X-In"] = $"h{i}" })));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"re: q{i}", Encoding.UTF8.GetString(replies[i].Data.Span));
            Assert.Equal($"h{i}", replies[i].Headers!["X-Echo"]);
        }
        await sub.UnsubscribeAsync();
        await responder;
    }

    [Fact]
    public async Task Request_without_responders_throws_NatsNoRespondersException_at_once()
    {
        await using var client = await Connect.ToAsync(_server.Url);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<NatsNoRespondersException>(() => client.RequestAsync("rr.nobody.home", "x"u8.ToArray(), timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal("rr.nobody.home", error.Subject);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"no-responders took {clock.Elapsed}");
    }

    [Fact]
    public async Task Request_to_a_silent_responder_times_out_with_NatsTimeoutException()
    {
        await using var service = await Connect.ToAsync(_server.Url);
        await using var client = await Connect.ToAsync(_server.Url);
        await using var silent = await service.SubscribeAsync("rr.silent");

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<NatsTimeoutException>(() => client.RequestAsync("rr.silent", default, timeout: TimeSpan.FromMilliseconds(300)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        await silent.NextAsync(); // the request did reach the responder
    }

    [Fact]
    public async Task Request_honours_cancellation()
    {
        await using var service = await Connect.ToAsync(_server.Url);
        await using var client = await Connect.ToAsync(_server.Url);
        await using var silent = await service.SubscribeAsync("rr.cancel");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.RequestAsync("rr.cancel", default, timeout: TimeSpan.FromSeconds(30), ct: cts.Token));
    }

    [Fact]
    public async Task Inboxes_are_unique()
    {
        await using var client = await Connect.ToAsync(_server.Url);
        var inboxes = Enumerable.Range(0, 10_000).Select(_ => client.NewInbox()).ToList();
        Assert.Equal(inboxes.Count, inboxes.Distinct().Count());
        Assert.All(inboxes, i => Assert.Matches("^_INBOX\\.[0-9A-Za-z]{22}$", i));
    }
}
