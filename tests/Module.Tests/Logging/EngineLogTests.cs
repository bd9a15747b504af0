using HarmonyLite.PowerShell.Isolated.Logging;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HarmonyLite.Module.Tests.Logging;

public sealed class EngineLogTests
{
    private static HarmonyLogRecord Record(string message, HarmonyLogLevel level = HarmonyLogLevel.Information) =>
        new(DateTimeOffset.Now, level, "test", message, null);

    [Fact]
    public void Keeps_the_most_recent_records_up_to_its_capacity()
    {
        var log = new EngineLog(HarmonyLogLevel.Information, capacity: 3);
        foreach (var i in Enumerable.Range(1, 5)) log.Write(Record($"m{i}"));
        Assert.Equal(["m3", "m4", "m5"], log.Recent().Select(r => r.Message));
    }

    [Fact]
    public void Drops_records_below_its_level()
    {
        var log = new EngineLog(HarmonyLogLevel.Information);
        log.Write(Record("debug", HarmonyLogLevel.Debug));
        log.Write(Record("warning", HarmonyLogLevel.Warning));
        Assert.Equal(["warning"], log.Recent().Select(r => r.Message));
    }

    [Fact]
    public void Listeners_get_records_until_they_unsubscribe()
    {
        var log = new EngineLog(HarmonyLogLevel.Trace);
        var seen = new List<string>();
        var subscription = log.Subscribe(r => seen.Add(r.Message));
        log.Write(Record("first"));
        subscription.Dispose();
        subscription.Dispose();
        log.Write(Record("second"));
        Assert.Equal(["first"], seen);
        Assert.Equal(2, log.Recent().Count);
    }

    [Fact]
    public void The_configuration_sets_the_level()
    {
        Assert.Equal(HarmonyLogLevel.Information, EngineLog.For(new Engine.Configuration.HarmonyConfig()).MinimumLevel);
        var verbose = new Engine.Configuration.HarmonyConfig { Logging = new Engine.Configuration.LoggingConfig { Verbose = true } };
        Assert.Equal(HarmonyLogLevel.Debug, EngineLog.For(verbose).MinimumLevel);
    }

    [Fact]
    public void Engine_loggers_write_formatted_records_with_their_category()
    {
        var log = new EngineLog(HarmonyLogLevel.Information);
        using var factory = new EngineLogLoggerFactory(log);
        var logger = factory.CreateLogger("HarmonyLite.Node");
        var failure = new InvalidOperationException("disk full");

        logger.LogDebug("not kept {Value}", 1);
        logger.LogWarning(failure, "Applying {Stream} failed", "changes-1");

        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.True(logger.IsEnabled(LogLevel.Critical));
        Assert.False(logger.IsEnabled(LogLevel.None));
        var record = Assert.Single(log.Recent());
        Assert.Equal(HarmonyLogLevel.Warning, record.Level);
        Assert.Equal("HarmonyLite.Node", record.Category);
        Assert.Equal("Applying changes-1 failed", record.Message);
        Assert.Same(failure, record.Exception);
        Assert.Equal("Applying changes-1 failed: disk full", record.Text);
        Assert.Throws<NotSupportedException>(() => factory.AddProvider(null!));
    }
}
