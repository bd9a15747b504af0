using HarmonyLite.Engine.Configuration;
using HarmonyLite.Nats;
using Microsoft.Extensions.Logging;

namespace HarmonyLite.Engine.Messaging;

/// <summary>The NATS client options a node uses, from its <c>[nats]</c> configuration.</summary>
public static class NatsOptionsFactory
{
    /// <summary>
    /// Options for connecting to <paramref name="urls"/> (the configured <c>nats.urls</c>, or the embedded
    /// server's client URL) with the configured credentials and TLS files. Reconnects never give up: a
    /// sidecar outlives network outages.
    /// </summary>
    public static NatsOptions Create(HarmonyConfig config, IReadOnlyList<string> urls, ILoggerFactory? loggerFactory) => new()
    {
        Urls = urls,
        Name = NodeName(config.NodeId),
        User = NullIfEmpty(config.Nats.UserName),
        Password = NullIfEmpty(config.Nats.UserPassword),
        NKeySeedFile = NullIfEmpty(config.Nats.SeedFile),
        CaFile = NullIfEmpty(config.Nats.CaFile),
        CertFile = NullIfEmpty(config.Nats.CertFile),
        KeyFile = NullIfEmpty(config.Nats.KeyFile),
        ConnectRetries = config.Nats.ConnectRetries,
        ReconnectWait = config.Nats.ReconnectWait,
        MaxReconnectAttempts = -1,
        LoggerFactory = loggerFactory,
    };

    /// <summary>The node's name on the NATS side (client name, embedded server name), as Go HarmonyLite names it.</summary>
    public static string NodeName(long nodeId) => $"harmonylite-node-{unchecked((ulong)nodeId)}";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
