using HarmonyLite.Engine.EmbeddedNats;
using Xunit;
using HarmonyLite.Engine.Configuration;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:4222", "127.0.0.1", 4222)]
    [InlineData(":4222", "0.0.0.0", 4222)]
    [InlineData(":-1", "0.0.0.0", -1)]
    [InlineData("0.0.0.0:0", "0.0.0.0", -1)]
    [InlineData("[::1]:6222", "::1", 6222)]
    [InlineData(" node-a.internal:6222 ", "node-a.internal", 6222)]
    public void Go_style_addresses_parse(string text, string host, int port) =>
        Assert.Equal(new HostPort(host, port), HostPort.Parse(text, "test"));

    [Theory]
    [InlineData("4222", "expected host:port")]
    [InlineData("host:port", "the port must be a number")]
    [InlineData("host:70000", "a number from 0 to 65535")]
    [InlineData("::1:6222", "must be in brackets")]
    public void Bad_addresses_name_the_setting_and_the_problem(string text, string problem)
    {
        var failure = Assert.Throws<ArgumentException>(() => HostPort.Parse(text, "ClusterAddress (-cluster-addr)"));
        Assert.Contains("ClusterAddress (-cluster-addr)", failure.Message);
        Assert.Contains(problem, failure.Message);
    }

    [Fact]
    public void IPv6_hosts_are_bracketed_when_written() =>
        Assert.Equal("[fd00::1]:6222", new HostPort("fd00::1", 6222).ToString());

    [Fact]
    public void The_bind_address_sets_client_host_and_port()
    {
        var options = new EmbeddedNatsServerOptions { NodeId = 1, DataDirectory = "/data" }.WithBindAddress(":-1");
        Assert.Equal("0.0.0.0", options.ClientHost);
        Assert.Equal(-1, options.ClientPort);

        var loopback = options.WithBindAddress("127.0.0.1:4222");
        Assert.Equal(("127.0.0.1", 4222), (loopback.ClientHost, loopback.ClientPort));
    }
}
