using HarmonyLite.Engine.EmbeddedNats;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HarmonyLite.Engine.Tests.EmbeddedNats;

public sealed class NatsServerLogLineTests
{
    [Theory]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [INF] Server is ready", LogLevel.Debug, "Server is ready")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [DBG] detail", LogLevel.Debug, "detail")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [TRC] wire", LogLevel.Trace, "wire")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [WRN] slow consumer", LogLevel.Warning, "slow consumer")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [ERR] Disk full", LogLevel.Error, "Disk full")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [ERR] Error trying to connect to route (attempt 1)", LogLevel.Warning, "Error trying to connect to route (attempt 1)")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [WRN] Healthcheck failed: \"JetStream has not established contact with a meta leader\"", LogLevel.Debug, "Healthcheck failed: \"JetStream has not established contact with a meta leader\"")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [WRN] Waiting for routing to be established...", LogLevel.Debug, "Waiting for routing to be established...")]
    [InlineData("[77] 2024/01/31 12:34:56.789012 [FTL] Can't start JetStream", LogLevel.Critical, "Can't start JetStream")]
    [InlineData("nats-server: error parsing include file", LogLevel.Debug, "nats-server: error parsing include file")]
    public void Levels_map_to_the_nodes_log_levels(string line, LogLevel level, string message) =>
        Assert.Equal(new NatsServerLogLine(level, message), NatsServerLogLine.Parse(line));
}
