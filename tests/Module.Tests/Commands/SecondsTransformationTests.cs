using HarmonyLite.PowerShell.Commands;
using Xunit;

namespace HarmonyLite.Module.Tests.Commands;

public sealed class SecondsTransformationTests
{
    [Fact]
    public void Numbers_are_seconds_and_everything_else_passes_through()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SecondsTransformationAttribute.ToTimeSpan(30));
        Assert.Equal(TimeSpan.FromSeconds(30), SecondsTransformationAttribute.ToTimeSpan(30L));
        Assert.Equal(TimeSpan.FromMilliseconds(250), SecondsTransformationAttribute.ToTimeSpan(0.25));
        Assert.Equal(TimeSpan.FromSeconds(1.5), SecondsTransformationAttribute.ToTimeSpan(1.5m));
        Assert.Equal("00:01:30", SecondsTransformationAttribute.ToTimeSpan("00:01:30"));
        Assert.Equal(TimeSpan.FromSeconds(2), SecondsTransformationAttribute.ToTimeSpan((short)2)); // -Timeout 2s
        Assert.Equal(TimeSpan.FromSeconds(3), SecondsTransformationAttribute.ToTimeSpan("3"));      // -Timeout $env:X
        Assert.Equal(TimeSpan.FromSeconds(2.5), SecondsTransformationAttribute.ToTimeSpan(" 2.5 "));
        Assert.Equal(TimeSpan.FromSeconds(7), SecondsTransformationAttribute.ToTimeSpan((byte)7));
        Assert.Equal(TimeSpan.FromMinutes(2), SecondsTransformationAttribute.ToTimeSpan(TimeSpan.FromMinutes(2)));
    }
}
