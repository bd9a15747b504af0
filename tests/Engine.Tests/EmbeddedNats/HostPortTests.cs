using HarmonyLite.Engine.Configuration;
using Xunit;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:4222", "127.0.0.1", 4222)]
    [InlineData(":4222", "", 4222)]
    [InlineData(":-1", "", -1)]
    [InlineData("[::1]:6222", "::1", 6222)]
    [InlineData("node-a.internal:6222", "node-a.internal", 6222)]
    public void Go_style_addresses_parse(string text, string host, int port) =>
        Assert.Equal(new HostPort(host, port), HostPort.TryParse(text, out _));

    [Theory]
    [InlineData("4222", "expected host:port")]
    [InlineData("host:port", "the port must be a number")]
    [InlineData("host:70000", "a number from 0 to 65535")]
    [InlineData("::1:6222", "must be in brackets")]
    public void Bad_addresses_say_what_is_wrong(string text, string problem)
    {
        Assert.Null(HostPort.TryParse(text, out var said));
        Assert.Contains(problem, said);
    }

    [Theory]
    [InlineData("", -1, "0.0.0.0", -1)]
    [InlineData("", 0, "0.0.0.0", -1)]
    [InlineData("127.0.0.1", 4222, "127.0.0.1", 4222)]
    public void An_empty_host_listens_on_every_interface_and_port_0_on_any_free_port(string host, int port, string listenHost, int listenPort) =>
        Assert.Equal(new HostPort(listenHost, listenPort), new HostPort(host, port).ForListening());

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("", false)]
    [InlineData("10.0.0.2", false)]
    public void Loopback_hosts_are_recognised(string host, bool loopback) =>
        Assert.Equal(loopback, new HostPort(host, 4222).IsLoopback);

    [Fact]
    public void IPv6_hosts_are_bracketed_when_written() =>
        Assert.Equal("[fd00::1]:6222", new HostPort("fd00::1", 6222).ToString());
}
