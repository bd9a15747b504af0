namespace HarmonyLite.Engine.EmbeddedNats;

/// <summary>One leafnode remote: the URL to solicit, and whether this server is the hub side.</summary>
internal sealed record NatsLeafRemote(string Url, bool Hub);
