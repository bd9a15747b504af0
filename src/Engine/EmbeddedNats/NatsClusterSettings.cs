using HarmonyLite.Engine.Configuration;
namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>
/// The cluster block: name, where to listen for routes (null: nowhere), the routes to solicit (with credentials when
/// there is a secret), and the secret routes must authenticate with (null: none).
/// </summary>
internal sealed record NatsClusterSettings(string Name, HostPort? Listen, IReadOnlyList<string> Routes, string? RouteSecret = null);
