using HarmonyLite.Engine.Configuration;
namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>The cluster block: name, where to listen for routes (null: nowhere), and the routes to solicit.</summary>
internal sealed record NatsClusterSettings(string Name, HostPort? Listen, IReadOnlyList<string> Routes);
