using HarmonyLite.Nats.Tests.Core;
using Xunit;

namespace HarmonyLite.Nats.Tests.Protocol;

public sealed class ServerCapabilityTests
{
    [Fact]
    public async Task Headers_are_refused_locally_when_the_server_does_not_support_them()
    {
        await using var peer = new FakeServerPeer(async (_, client, ct) =>
        {
            await client.SendAsync(FakeServerPeer.Info.Replace("\"headers\":true", "\"headers\":false"), ct);
            await client.ExpectLineAsync("CONNECT ", ct);
            await client.ExpectLineAsync("PING", ct);
            await client.SendAsync("PONG\r\n", ct);
            await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = await NatsConnection.ConnectAsync(Connect.Options(peer.Url));
        Assert.False(nats.ServerInfo!.Headers);

        var error = await Assert.ThrowsAsync<NatsException>(async () => await nats.PublishAsync("x", default, new NatsHeaders { ["A"] = "b" }));
        Assert.Contains("headers", error.Message);
        await nats.PublishAsync("x", default);
        await nats.PingAsync();
    }

    [Fact]
    public async Task The_CONNECT_line_announces_headers_no_responders_and_quiet_mode()
    {
        var connect = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = new FakeServerPeer(async (_, client, ct) =>
        {
            await client.SendAsync(FakeServerPeer.Info, ct);
            connect.TrySetResult(await client.ExpectLineAsync("CONNECT ", ct));
            await client.ExpectLineAsync("PING", ct);
            await client.SendAsync("PONG\r\n", ct);
            await client.ServeUntilClosedAsync(ct);
        });
        await using var nats = await NatsConnection.ConnectAsync(Connect.Options(peer.Url) with { Name = "capability-check" });

        using var json = System.Text.Json.JsonDocument.Parse((await connect.Task)["CONNECT ".Length..]);
        var root = json.RootElement;
        Assert.False(root.GetProperty("verbose").GetBoolean());
        Assert.False(root.GetProperty("pedantic").GetBoolean());
        Assert.True(root.GetProperty("headers").GetBoolean());
        Assert.True(root.GetProperty("no_responders").GetBoolean());
        Assert.Equal(1, root.GetProperty("protocol").GetInt32());
        Assert.Equal("capability-check", root.GetProperty("name").GetString());
        Assert.False(root.TryGetProperty("pass", out _));
    }
}
