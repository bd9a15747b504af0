namespace HarmonyLite.Engine.Configuration;

/// <summary>A leafnode remote: its URL, and whether it is a hub (<c>?hub=true</c> on the URL, as in Go HarmonyLite).</summary>
public sealed record LeafServer(Uri Url, bool Hub)
{
    public override string ToString() => $"{SecretRedaction.Url(Url)}{(Hub ? " (hub)" : "")}";
}
