using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Node;
using HarmonyLite.Engine.Snapshots;

namespace HarmonyLite.PowerShell.Isolated.Logging;

/// <summary>
/// The engine calls that take a logger factory, given one that writes into an <see cref="EngineLog"/>: the cmdlet
/// assembly calls these instead, so it never names a logging type itself.
/// </summary>
public static class EngineEntryPoints
{
    /// <summary><see cref="HarmonyNode.StartAsync"/>, logging into <paramref name="log"/> for the node's whole life.</summary>
    public static Task<HarmonyNode> StartNodeAsync(HarmonyConfig config, EngineLog log, CancellationToken cancellationToken) =>
        HarmonyNode.StartAsync(config, new EngineLogLoggerFactory(log), cancellationToken);

    /// <summary><see cref="SnapshotService.OpenAsync(HarmonyConfig, Microsoft.Extensions.Logging.ILoggerFactory, CancellationToken)"/>, logging into <paramref name="log"/>.</summary>
    public static Task<SnapshotService> OpenSnapshotServiceAsync(HarmonyConfig config, EngineLog log, CancellationToken cancellationToken) =>
        SnapshotService.OpenAsync(config, new EngineLogLoggerFactory(log), cancellationToken);

    /// <summary><see cref="HarmonyNode.OpenSnapshotServiceAsync"/>: the snapshot store over a running node's own connection.</summary>
    public static Task<SnapshotService> OpenSnapshotServiceAsync(HarmonyNode node, EngineLog log, CancellationToken cancellationToken) =>
        node.OpenSnapshotServiceAsync(new EngineLogLoggerFactory(log), cancellationToken);
}
