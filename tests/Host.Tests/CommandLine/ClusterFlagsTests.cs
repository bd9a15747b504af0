using HarmonyLite.Host.CommandLine;
using Xunit;

namespace HarmonyLite.Host.Tests.CommandLine;

/// <summary>-cluster-status, -json, -wait-replicated and -timeout.</summary>
public sealed class ClusterFlagsTests
{
    [Fact]
    public void Cluster_status_and_wait_replicated_are_modes()
    {
        Assert.Equal(HostMode.ClusterStatus, HostArguments.Parse(["-cluster-status", "-json"]).Mode);
        Assert.True(HostArguments.Parse(["-cluster-status", "-json"]).Json);
        Assert.Equal(HostMode.WaitReplicated, HostArguments.Parse(["-config", "node.toml", "-wait-replicated"]).Mode);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    [InlineData("1.5s", 1.5)]
    public void A_timeout_is_a_go_duration_or_seconds(string value, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), HostArguments.Parse(["-wait-replicated", "-timeout", value]).Timeout);
    }

    [Fact]
    public void The_timeout_defaults_to_a_minute()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), HostArguments.Parse(["-wait-replicated"]).Timeout);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("soon")]
    [InlineData("5d")]
    public void A_bad_timeout_names_the_flag_and_the_expected_form(string value)
    {
        var error = Assert.Throws<HostUsageException>(() => HostArguments.Parse(["-wait-replicated", "-timeout", value]));
        Assert.Contains("-timeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("90s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_lists_the_cluster_flags()
    {
        var help = HostUsage.Text();
        foreach (var flag in new[] { "-cluster-status", "-wait-replicated", "-json", "-timeout DURATION" }) Assert.Contains(flag, help, StringComparison.Ordinal);
    }
}
