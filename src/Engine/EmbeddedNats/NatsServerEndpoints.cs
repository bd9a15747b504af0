namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>Where a started nats-server actually listens, as it reported in its ports file.</summary>
internal sealed record NatsServerEndpoints(Uri Client, Uri Monitor);
