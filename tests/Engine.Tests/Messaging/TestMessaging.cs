using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Tests.Messaging;

/// <summary>Connections through the seam, the way a node makes them, for tests against a real nats-server.</summary>
internal static class TestMessaging
{
    /// <summary>A configuration whose <c>[nats]</c> table points at <paramref name="urls"/>, failing at once when nothing answers.</summary>
    public static HarmonyConfig Config(params string[] urls) => new() { NodeId = 1, Nats = new NatsConfig { Urls = urls, ConnectRetries = 0, ReconnectWait = TimeSpan.FromMilliseconds(250) } };

    public static Task<MessagingConnection> ConnectAsync(string url, ILoggerFactory? loggerFactory = null) =>
        ConnectAsync(Config(url), loggerFactory);

    public static Task<MessagingConnection> ConnectAsync(HarmonyConfig config, ILoggerFactory? loggerFactory = null) =>
        MessagingConnector.ConnectAsync(config, config.Nats.Urls, loggerFactory, CancellationToken.None);

    /// <summary>A topology of its own (unique prefixes), so tests sharing a server never share streams.</summary>
    public static ReplicationTopology UniqueTopology(string name, int shards = 1)
    {
        var prefix = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        return new ReplicationTopology(prefix, prefix + "-subject", shards);
    }
}
