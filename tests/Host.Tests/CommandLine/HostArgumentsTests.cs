using HarmonyLite.Host.CommandLine;
using Xunit;

namespace HarmonyLite.Host.Tests.CommandLine;

/// <summary>Flags are read as Go's flag package reads them.</summary>
public sealed class HostArgumentsTests
{
    [Theory]
    [InlineData("-config", "node.toml")]
    [InlineData("--config", "node.toml")]
    [InlineData("-config=node.toml")]
    [InlineData("--config=node.toml")]
    public void A_value_follows_after_a_space_or_an_equals_sign_with_one_or_two_dashes(params string[] args)
    {
        Assert.Equal("node.toml", HostArguments.Parse(args).ConfigPath);
    }

    [Theory]
    [InlineData(true, "-cleanup")]
    [InlineData(true, "--cleanup")]
    [InlineData(true, "-cleanup=true")]
    [InlineData(true, "-cleanup=1")]
    [InlineData(false, "-cleanup=false")]
    [InlineData(false, "-cleanup=F")]
    [InlineData(false)]
    public void Booleans_are_set_by_name_or_by_equals(bool expected, params string[] args)
    {
        Assert.Equal(expected, HostArguments.Parse(args).Cleanup);
    }

    [Fact]
    public void Every_value_flag_is_read_and_the_last_repeat_wins()
    {
        var arguments = HostArguments.Parse([
            "-node-id", "1", "-node-id=5", "-cluster-addr", "0.0.0.0:4221", "-cluster-peers", "nats://a:4221",
            "-leaf-servers", "nats://hub:7422", "-save-snapshot", "--", ]);

        var overrides = arguments.ToOverrides();
        Assert.Equal((5L, "0.0.0.0:4221", "nats://a:4221", "nats://hub:7422"), (overrides.NodeId!.Value, overrides.ClusterAddress, overrides.ClusterPeers, overrides.LeafServers));
        Assert.Equal(HostMode.SaveSnapshot, arguments.Mode);
    }

    [Fact]
    public void The_health_flags_of_go_harmonylite_are_read()
    {
        var overrides = HostArguments.Parse(["-health-check", "-health-bind", "127.0.0.1:9", "--health-path=/x"]).ToOverrides();

        Assert.Equal((true, "127.0.0.1:9", "/x"), (overrides.HealthCheck, overrides.HealthBind, overrides.HealthPath));
        Assert.Null(HostArguments.Parse([]).ToOverrides().HealthCheck);
    }

    [Theory]
    [InlineData(HostMode.Run)]
    [InlineData(HostMode.Help, "-print-config", "-h")]
    [InlineData(HostMode.Version, "-cleanup", "-version")]
    [InlineData(HostMode.PrintConfig, "-cleanup", "-print-config")]
    [InlineData(HostMode.Cleanup, "-save-snapshot", "-cleanup")]
    public void Mode_flags_have_a_fixed_precedence(HostMode expected, params string[] args)
    {
        Assert.Equal(expected, HostArguments.Parse(args).Mode);
    }

    [Theory]
    [InlineData("flag provided but not defined: -verbose", "-verbose")]
    [InlineData("flag needs an argument: -cluster-peers", "-cluster-peers")]
    [InlineData("invalid boolean value \"maybe\" for -cleanup", "-cleanup=maybe")]
    [InlineData("unexpected argument 'false'", "-cleanup", "false")]
    [InlineData("unexpected argument 'node.toml'", "node.toml")]
    [InlineData("unexpected argument 'x'", "--", "x")]
    [InlineData("bad flag syntax: ---config", "---config", "a")]
    [InlineData("bad flag syntax: -=x", "-=x")]
    [InlineData("invalid value \"abc\" for -node-id: expected a whole number", "-node-id", "abc")]
    [InlineData("invalid value \"-3\" for -node-id", "-node-id=-3")]
    [InlineData("node ids go up to 9223372036854775807", "-node-id", "18446744073709551615")]
    [InlineData("invalid boolean value \"maybe\" for -health-check", "-health-check=maybe")]
    [InlineData("-pprof is not supported by this version", "-pprof=:6060")]
    public void Bad_command_lines_say_what_is_wrong(string message, params string[] args)
    {
        var error = Assert.Throws<HostUsageException>(() => HostArguments.Parse(args));

        Assert.Contains(message, error.Message);
    }
}
