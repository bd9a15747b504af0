using HarmonyLite.Engine.Configuration;
using HarmonyLite.Engine.Messaging;

namespace HarmonyLite.Engine.Publishing;

/// <summary>The parts of the configuration the publisher acts on.</summary>
public sealed record ChangePublisherSettings(long NodeId, ReplicationTopology Topology, int ScanMaxChanges, TimeSpan CleanupInterval, bool Compress, bool Publish)
{
    public static ChangePublisherSettings From(HarmonyConfig config) => new(
        config.NodeId,
        ReplicationTopology.From(config),
        (int)Math.Min(config.ScanMaxChanges, int.MaxValue),
        config.CleanupInterval,
        config.ReplicationLog.Compress,
        config.Publish);
}
