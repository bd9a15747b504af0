using System.Net.Sockets;
using System.Text;
using HarmonyLite.TestSupport;
using Xunit;

namespace HarmonyLite.Nats.Tests.Support;

/// <summary>The test server fixture itself: a real nats-server that greets with INFO and has JetStream on.</summary>
public sealed class NatsServerProcessTests
{
    [Fact]
    public async Task Server_greets_with_INFO_and_JetStream_enabled()
    {
        await using var server = await NatsServerProcess.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        var buffer = new byte[4096];
        var read = await tcp.GetStream().ReadAsync(buffer);
        var info = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("INFO {", info);
        Assert.Contains("\"jetstream\":true", info);
    }

    [Fact]
    public async Task Killed_server_restarts_on_the_same_port_with_its_store()
    {
        await using var server = await NatsServerProcess.StartAsync();
        var port = server.Port;
        await server.KillAsync();
        Assert.False(server.IsRunning);
        await server.RestartAsync();
        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.True(Directory.Exists(server.StoreDirectory));
    }
}
